/** The public interface of ai-service: other services import only this file. */
export { complete, type Completion } from './models';
export const PORT = 3006;
