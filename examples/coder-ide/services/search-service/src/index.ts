/** The public interface of search-service: other services import only this file. */
export { handle, type SearchServiceRequest } from './handlers';
export const PORT = 3029;
