/** Requests pattern-recognition answers. */
export interface PatternRecognitionRequest {
  userId: string;
  payload: string;
}

export async function handle(request: PatternRecognitionRequest): Promise<string> {
  return `pattern-recognition: ${request.payload}`;
}
