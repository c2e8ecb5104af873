import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redisConnectionOptions } from '@mgm/protocol';

/**
 * An ioredis connection for one role. `maxRetriesPerRequest: null` is what BullMQ requires and
 * makes commands wait for a reconnect instead of failing while Redis restarts. `autoPipelining`
 * sends the commands issued in one tick in one write (never on BullMQ's or a subscriber's
 * connection: blocking and subscribe commands do not mix with it).
 */
export function connectRedis(url: string, role: string, logger: Logger, opts: { autoPipelining?: boolean } = {}): Redis {
  // Every connection (BullMQ's included) is built by the same parse of REDIS_URL: same TLS, same ACL user.
  const redis = new Redis({
    ...redisConnectionOptions(url),
    maxRetriesPerRequest: null,
    connectionName: role,
    lazyConnect: false,
    ...(opts.autoPipelining ? { enableAutoPipelining: true } : {}),
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
