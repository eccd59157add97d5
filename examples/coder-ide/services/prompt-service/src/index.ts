/** The public interface of prompt-service: other services import only this file. */
export { handle, type PromptServiceRequest } from './handlers';
export const PORT = 3036;
