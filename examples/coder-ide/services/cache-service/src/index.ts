/** The public interface of cache-service: other services import only this file. */
export { handle, type CacheServiceRequest } from './handlers';
export const PORT = 3035;
