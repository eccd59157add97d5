/** The public interface of logging: other services import only this file. */
export { createLogger, type Logger, type LogFields } from './logger';
export const PORT = 3014;
