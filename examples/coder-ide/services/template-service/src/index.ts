/** The public interface of template-service: other services import only this file. */
export { handle, type TemplateServiceRequest } from './handlers';
export const PORT = 3037;
