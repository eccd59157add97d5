import { createLogger } from '@coder/logging';

/** Requests cache-service answers. */
export interface CacheServiceRequest {
  userId: string;
  payload: string;
}

const log = createLogger('cache-service');

export async function handle(request: CacheServiceRequest): Promise<string> {
  log.info('request', { userId: request.userId });
  return `cache-service: ${request.payload}`;
}
