import { shardFor } from '@coder/shard-manager';
import { createLogger } from '@coder/logging';
import { findUser } from '@coder/user-management';

/** Requests document-manager answers. */
export interface DocumentManagerRequest {
  userId: string;
  payload: string;
}

const log = createLogger('document-manager');

export async function handle(request: DocumentManagerRequest): Promise<string> {
  log.info('request', { userId: request.userId });
  const shardForResult = shardFor(request.userId).id;
  const findUserResult = findUser(request.userId)?.plan;
  return `document-manager: ${request.payload} ${shardForResult} ${findUserResult}`.trim();
}
