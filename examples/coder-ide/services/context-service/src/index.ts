/** The public interface of context-service: other services import only this file. */
export { handle, type ContextServiceRequest } from './handlers';
export const PORT = 3034;
