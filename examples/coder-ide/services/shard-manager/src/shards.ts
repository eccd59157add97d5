import { createLogger } from '@coder/logging';
import { findUser } from '@coder/user-management';

/** Which storage shard holds a user's workspaces. */
export interface Shard {
  id: number;
  region: string;
}

const log = createLogger('shard-manager');
const SHARDS = 16;

export function shardFor(userId: string): Shard {
  const user = findUser(userId);
  const region = user?.plan === 'enterprise' ? 'dedicated' : 'shared';
  let hash = 0;
  for (const ch of userId) {
    hash = (hash * 31 + ch.charCodeAt(0)) % SHARDS;
  }
  log.info('shard assigned', { userId, shard: hash, region });
  return { id: hash, region };
}
