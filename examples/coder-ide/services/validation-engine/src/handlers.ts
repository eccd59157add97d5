/** Requests validation-engine answers. */
export interface ValidationEngineRequest {
  userId: string;
  payload: string;
}

export async function handle(request: ValidationEngineRequest): Promise<string> {
  return `validation-engine: ${request.payload}`;
}
