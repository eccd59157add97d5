/** The public interface of authentication: other services import only this file. */
export { handle, type AuthenticationRequest } from './handlers';
export const PORT = 3021;
