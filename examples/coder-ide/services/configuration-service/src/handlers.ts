import { createLogger } from '@coder/logging';
import { getSecret } from '@coder/secret-management';

/** Requests configuration-service answers. */
export interface ConfigurationServiceRequest {
  userId: string;
  payload: string;
}

const log = createLogger('configuration-service');

export async function handle(request: ConfigurationServiceRequest): Promise<string> {
  log.info('request', { userId: request.userId });
  const getSecretResult = getSecret('service-token')?.version;
  return `configuration-service: ${request.payload} ${getSecretResult}`.trim();
}
