/** The public interface of user-management: other services import only this file. */
export { findUser, createUser, type User } from './users';
export const PORT = 3022;
