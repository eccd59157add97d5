/** The public interface of embeddings: other services import only this file. */
export { embed, type Vector } from './vectors';
export const PORT = 3005;
