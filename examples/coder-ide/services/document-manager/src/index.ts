/** The public interface of document-manager: other services import only this file. */
export { handle, type DocumentManagerRequest } from './handlers';
export const PORT = 3024;
