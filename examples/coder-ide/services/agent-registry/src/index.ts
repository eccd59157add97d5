/** The public interface of agent-registry: other services import only this file. */
export { handle, type AgentRegistryRequest } from './handlers';
export const PORT = 3035;
