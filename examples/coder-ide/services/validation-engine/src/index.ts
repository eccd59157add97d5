/** The public interface of validation-engine: other services import only this file. */
export { handle, type ValidationEngineRequest } from './handlers';
export const PORT = 3036;
