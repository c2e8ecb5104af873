import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { workerRecordSchema, type RedisKeys } from '@mgm/protocol';
import type { ObservedWorker } from './worker-liveness.ts';

const READ_WORKERS_LUA = `
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local values = {}
local ttls = {}
for i, id in ipairs(ids) do
  values[i] = redis.call('GET', ARGV[1] .. id)
  ttls[i] = redis.call('PTTL', ARGV[1] .. id)
end
return {ids, values, ttls}
`;

/** Every worker record in the index with its remaining expiry, in one round trip. */
export async function readWorkerRecords(redis: Redis, keys: RedisKeys, logger: Logger): Promise<ObservedWorker[]> {
  const [ids, values, ttls] = (await redis.eval(READ_WORKERS_LUA, 1, keys.workers, keys.worker(''))) as [string[], (string | null)[], number[]];
  const observed: ObservedWorker[] = [];
  ids.forEach((id, index) => {
    const raw = values[index];
    if (raw === null || raw === undefined) return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = null;
    }
    const parsed = workerRecordSchema.safeParse(json);
    if (parsed.success) observed.push({ record: parsed.data, pttlMs: Number(ttls[index]) });
    else logger.warn({ workerId: id }, 'ignoring an invalid worker record');
  });
  return observed;
}
