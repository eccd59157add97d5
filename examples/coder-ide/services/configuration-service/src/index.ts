/** The public interface of configuration-service: other services import only this file. */
export { handle, type ConfigurationServiceRequest } from './handlers';
export const PORT = 3034;
