import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeFrameEntry, redisConnectionOptions, STREAM_REVOKED_SEQ, type RedisKeys, type WorkerRecord } from '@mgm/protocol';
import { FrameWriter } from '../src/frame-writer.ts';
import { WorkerRegistration } from '../src/worker-registration.ts';
import { connect, REDIS_URL, silentLogger, testNamespace } from './redis-test-helpers.ts';

let redis: Redis;
let keys: RedisKeys;
let cleanup: (redis: Redis) => Promise<void>;

beforeEach(() => {
  redis = connect();
  ({ keys, cleanup } = testNamespace('live'));
});

afterEach(async () => {
  await cleanup(redis);
  await redis.quit();
});

function record(id: string): WorkerRecord {
  const now = Date.now();
  return {
    id,
    model: 'fake',
    displayName: 'FAKE',
    architecture: 'mgm',
    capabilities: [],
    checkpoint: '/fake',
    device: 'cpu',
    executionProvider: 'CPUExecutionProvider',
    dtype: 'fp32',
    lrSize: 16,
    hrSize: 32,
    visualTokens: 16,
    contextLength: 512,
    template: 'gemma',
    evaluation: null,
    state: 'ready',
    inFlight: 0,
    concurrency: 1,
    jobsDone: 0,
    jobsFailed: 0,
    tokensPerSecond: null,
    ttftMsMedian: null,
    memoryRss: 1,
    host: 'h',
    pid: 1,
    startedAt: now,
    heartbeatAt: now,
  };
}

function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // a long synchronous step of the worker's main thread
  }
}

describe('the worker record kept alive from a thread', () => {
  it('stays while the main event loop is blocked for longer than its expiry, and goes soon after deregistering', async () => {
    const registration = new WorkerRegistration({
      redis,
      keys,
      logger: silentLogger,
      ttlMs: 600,
      heartbeatMs: 10_000,
      keepAlive: { connection: redisConnectionOptions(REDIS_URL), intervalMs: 100 },
      initial: record('busy'),
    });
    await registration.start();
    // Give the thread time to connect before the main loop stops answering.
    await new Promise((resolve) => setTimeout(resolve, 400));
    blockEventLoop(1500);
    expect(await redis.exists(keys.worker('busy'))).toBe(1);
    await registration.deregister();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The thread is gone with the registration: nothing brings the record back.
    expect(await redis.exists(keys.worker('busy'))).toBe(0);
  });

  it('without the thread, the same blocked loop lets the record expire (what made short expiries unsafe)', async () => {
    const registration = new WorkerRegistration({ redis, keys, logger: silentLogger, ttlMs: 600, heartbeatMs: 200, initial: record('plain') });
    await registration.start();
    blockEventLoop(1500);
    expect(await redis.exists(keys.worker('plain'))).toBe(0);
    await registration.deregister();
  });
});

describe('a FrameWriter fenced by the job lock', () => {
  it('writes while the lock holds its token, and nothing once another worker holds the job', async () => {
    const lockKey = `${keys.prefix}:lock:j1`;
    await redis.set(lockKey, 'token-a');
    const writer = new FrameWriter({
      redis,
      streamKey: keys.jobStream('j1'),
      cancelKey: keys.jobCancel('j1'),
      ttlSeconds: 30,
      onCancelled: () => undefined,
      fence: { lockKey, token: 'token-a' },
    });
    expect(await writer.append({ type: 'start', workerId: 'a', queueMs: 0 })).toBe(0);
    await redis.set(lockKey, 'token-b');
    expect(await writer.append({ type: 'delta', text: 'late' })).toBe(STREAM_REVOKED_SEQ);
    expect(writer.revoked).toBe(true);
    expect(writer.open).toBe(false);
    await redis.del(lockKey);
    writer.push({ type: 'delta', text: 'later' });
    await writer.flush();
    const entries = await redis.xrange(keys.jobStream('j1'), '-', '+');
    expect(entries.map(([id, fields]) => decodeFrameEntry('j1', id, fields).type)).toEqual(['start']);
  });
});
