import { embed } from '@coder/embeddings';
import { shardFor } from '@coder/shard-manager';
import { createLogger } from '@coder/logging';

/** Requests search-service answers. */
export interface SearchServiceRequest {
  userId: string;
  payload: string;
}

const log = createLogger('search-service');

export async function handle(request: SearchServiceRequest): Promise<string> {
  log.info('request', { userId: request.userId });
  const embedResult = (await embed(request.payload)).length;
  const shardForResult = shardFor(request.userId).id;
  return `search-service: ${request.payload} ${embedResult} ${shardForResult}`.trim();
}
