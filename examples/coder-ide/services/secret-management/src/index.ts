/** The public interface of secret-management: other services import only this file. */
export { getSecret, rotateSecret, type Secret } from './vault';
export const PORT = 3003;
