import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { decodeFrameEntry, redisKeys, streamIdAfterSeq, type RedisKeys, type StreamFrame } from '@mgm/protocol';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A unique key prefix per test, and the cleanup that removes every key under it. */
export function testNamespace(label: string): { prefix: string; keys: RedisKeys; cleanup: (redis: Redis) => Promise<void> } {
  const prefix = `test-${label}-${randomBytes(4).toString('hex')}`;
  return {
    prefix,
    keys: redisKeys(prefix),
    cleanup: async (redis) => {
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        if (found.length > 0) await redis.del(...found);
      } while (cursor !== '0');
    },
  };
}

export function connect(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
}

/** Reads a job's frames until a terminal one (or the timeout, which fails the test). */
export async function readFramesUntilEnd(redis: Redis, keys: RedisKeys, jobId: string, timeoutMs = 10_000): Promise<StreamFrame[]> {
  const frames: StreamFrame[] = [];
  let after = -1;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const result = await redis.xread('COUNT', 100, 'BLOCK', 200, 'STREAMS', keys.jobStream(jobId), streamIdAfterSeq(after));
    for (const [, entries] of result ?? []) {
      for (const [id, fields] of entries) {
        const frame = decodeFrameEntry(jobId, id, fields);
        frames.push(frame);
        after = frame.seq;
        if (frame.type === 'end' || frame.type === 'error') return frames;
      }
    }
  }
  throw new Error(`no terminal frame for job ${jobId} within ${timeoutMs} ms; got ${JSON.stringify(frames.map((f) => f.type))}`);
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
