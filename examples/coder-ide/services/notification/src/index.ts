/** The public interface of notification: other services import only this file. */
export { handle, type NotificationRequest } from './handlers';
export const PORT = 3001;
