/** Requests context-service answers. */
export interface ContextServiceRequest {
  userId: string;
  payload: string;
}

export async function handle(request: ContextServiceRequest): Promise<string> {
  return `context-service: ${request.payload}`;
}
