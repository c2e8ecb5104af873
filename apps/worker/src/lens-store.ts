import { type ImageLens, lensToWire } from '@mgm/engine';
import type { RedisKeys } from '@mgm/protocol';
import type { Redis } from 'ioredis';

/**
 * Stores a job's lens (the API JSON of @mgm/protocol's imageLensSchema) next to its stream, with
 * the stream's expiry: the controller answers GET /api/lens/:jobId from it.
 */
export async function storeLens(
  redis: Pick<Redis, 'set'>,
  keys: RedisKeys,
  ids: { jobId: string; model: string },
  lens: ImageLens,
  ttlSeconds: number,
): Promise<void> {
  await redis.set(keys.jobLens(ids.jobId), JSON.stringify(lensToWire(lens, ids)), 'EX', ttlSeconds);
}
