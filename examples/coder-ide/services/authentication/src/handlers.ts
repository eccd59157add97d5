/** Requests authentication answers. */
export interface AuthenticationRequest {
  userId: string;
  payload: string;
}

export async function handle(request: AuthenticationRequest): Promise<string> {
  return `authentication: ${request.payload}`;
}
