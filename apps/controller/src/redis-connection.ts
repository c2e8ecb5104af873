import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redisConnectionOptions } from '@mgm/protocol';

/**
 * What a connection is for. `commands`: request-serving commands (HTTP routes, socket acks, queue
 * adds): while Redis is down they fail at once instead of queueing until it is back, and a
 * command Redis does not answer fails after REDIS_COMMAND_TIMEOUT_MS, so every route can answer
 * 503 UNAVAILABLE. `blocking`: XREAD BLOCK, pub/sub and BullMQ's event readers: they wait for a
 * reconnect (BullMQ requires it) and never time out.
 */
export type RedisConnectionKind = 'commands' | 'blocking';

/** How long a request-serving command may wait for Redis's answer while connected. */
export const REDIS_COMMAND_TIMEOUT_MS = 3000;

/** An ioredis connection for one role. */
export function connectRedis(url: string, role: string, logger: Logger, kind: RedisConnectionKind = 'blocking'): Redis {
  // Every connection (BullMQ's included) is built by the same parse of REDIS_URL: same TLS, same ACL user.
  const redis = new Redis({
    ...redisConnectionOptions(url),
    connectionName: role,
    ...(kind === 'commands'
      ? { maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: REDIS_COMMAND_TIMEOUT_MS }
      : { maxRetriesPerRequest: null }),
  });
  let lastError = '';
  redis.on('error', (error: Error) => {
    if (error.message !== lastError) logger.warn({ role, err: error }, 'redis connection error');
    lastError = error.message;
  });
  redis.on('ready', () => {
    lastError = '';
  });
  return redis;
}

/** Resolves once the connection is ready (a fail-fast connection refuses commands before that). */
export async function redisReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await once(redis, 'ready');
}
