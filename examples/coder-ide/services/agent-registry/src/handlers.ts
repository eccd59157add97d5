/** Requests agent-registry answers. */
export interface AgentRegistryRequest {
  userId: string;
  payload: string;
}

export async function handle(request: AgentRegistryRequest): Promise<string> {
  return `agent-registry: ${request.payload}`;
}
