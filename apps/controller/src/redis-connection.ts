import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** An ioredis connection for one role; commands wait for a reconnect rather than fail (BullMQ needs this too). */
export function connectRedis(url: string, role: string, logger: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, connectionName: role });
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
