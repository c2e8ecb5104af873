import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RedisKeys, WorkerRecord } from '@mgm/protocol';
import { connect, silentLogger, testNamespace } from '@mgm/worker/testing';
import { WorkerRegistry } from '../src/worker-registry.ts';
import { sampleWorkerRecord } from './sample-worker-record.ts';

let redis: Redis;
let keys: RedisKeys;
let cleanup: (redis: Redis) => Promise<void>;

beforeEach(() => {
  redis = connect();
  ({ keys, cleanup } = testNamespace('worker-registry'));
});

afterEach(async () => {
  await cleanup(redis);
  await redis.quit();
});

function record(id: string, model: string, state: WorkerRecord['state']): WorkerRecord {
  return sampleWorkerRecord({ id, model, state });
}

async function register(value: unknown, id: string): Promise<void> {
  await redis.multi().set(keys.worker(id), JSON.stringify(value), 'EX', 60).zadd(keys.workers, Date.now(), id).exec();
}

describe('WorkerRegistry', () => {
  it("gives a question's checks only the fields they read, from the same records as the whole list", async () => {
    await register(record('b-1', 'beta', 'paused'), 'b-1');
    await register(record('a-1', 'alpha', 'ready'), 'a-1');
    const registry = new WorkerRegistry(redis, keys, silentLogger);

    expect((await registry.list()).map((w) => w.id)).toEqual(['a-1', 'b-1']);
    const targets = await registry.dispatchTargets();
    expect(targets.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'a-1', model: 'alpha', state: 'ready', contextLength: 512, visualTokens: 36 },
      { id: 'b-1', model: 'beta', state: 'paused', contextLength: 512, visualTokens: 36 },
    ]);
  });

  it('skips a record whose dispatch fields are invalid, and prunes a worker whose record expired', async () => {
    await register(record('a-1', 'alpha', 'ready'), 'a-1');
    await register({ ...record('bad-1', 'alpha', 'ready'), contextLength: -1 }, 'bad-1');
    await redis.zadd(keys.workers, Date.now(), 'gone-1');
    const registry = new WorkerRegistry(redis, keys, silentLogger);

    expect((await registry.dispatchTargets()).map((w) => w.id)).toEqual(['a-1']);
    expect((await registry.list()).map((w) => w.id)).toEqual(['a-1']);
    expect(await redis.zrange(keys.workers, 0, -1)).not.toContain('gone-1');
  });
});
