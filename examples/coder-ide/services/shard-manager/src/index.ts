/** The public interface of shard-manager: other services import only this file. */
export { shardFor, type Shard } from './shards';
export const PORT = 3023;
