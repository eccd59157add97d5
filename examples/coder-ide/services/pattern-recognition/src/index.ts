/** The public interface of pattern-recognition: other services import only this file. */
export { handle, type PatternRecognitionRequest } from './handlers';
export const PORT = 3037;
