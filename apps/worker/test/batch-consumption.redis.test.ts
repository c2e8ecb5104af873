import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSamplingParams, queueNameForModel, workerRecordSchema, type RedisKeys } from '@mgm/protocol';
import { connect, readFramesUntilEnd, testNamespace, waitFor } from './redis-test-helpers.ts';
import { startTestWorker, type TestWorker } from './start-test-worker.ts';

let redis: Redis;
let keys: RedisKeys;
let cleanup: (redis: Redis) => Promise<void>;
const workers: TestWorker[] = [];
const queues: Queue[] = [];

beforeEach(() => {
  redis = connect();
  ({ keys, cleanup } = testNamespace('batch'));
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
  await Promise.all(queues.splice(0).map((q) => q.close()));
  await cleanup(redis);
  await redis.quit();
});

async function enqueueMany(model: string, n: number): Promise<string[]> {
  const queue = new Queue(queueNameForModel(model), { connection: connect(), prefix: keys.bullPrefix });
  queues.push(queue);
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const jobId = randomUUID();
    ids.push(jobId);
    await queue.add(
      'generate',
      { jobId, requestId: 'r1', model, messages: [{ role: 'user', content: `one two three four ${i}` }], imageId: null, imageMode: 'default', params: defaultSamplingParams, enqueuedAt: Date.now() },
      { jobId, attempts: 1 },
    );
  }
  return ids;
}

describe('a batching worker consumes its queue', () => {
  it('takes as many jobs at once as its batch has slots, and publishes the batch in its record', async () => {
    const w = await startTestWorker(keys, {
      workerId: 'w-batch',
      name: 'm-batch',
      tokenDelayMs: 40,
      concurrency: 4,
      batch: { maxBatch: 4, kvTokensBudget: 4 * 512, reservePerJob: 300 },
    });
    workers.push(w);
    const ids = await enqueueMany('m-batch', 6);
    const busy = await waitFor(async () => {
      const raw = await redis.get(keys.worker('w-batch'));
      const rec = raw ? workerRecordSchema.parse(JSON.parse(raw)) : null;
      return rec?.batch && rec.batch.running >= 2 ? rec : null;
    }, 'a record with a running batch');
    expect(busy.batch).toMatchObject({ maxBatch: 4, kvTokensBudget: 2048, layout: 'exact', stepsByBatchSize: [0, 3, 2] });
    await Promise.all(ids.map((id) => readFramesUntilEnd(redis, keys, id)));
    expect(w.model.peakRunning).toBe(4);
  });

  it('takes a job only while a full context still fits in its KV budget', async () => {
    const w = await startTestWorker(keys, {
      workerId: 'w-kv',
      name: 'm-kv',
      tokenDelayMs: 40,
      concurrency: 4,
      // Room for two full 512-token contexts: never more than two jobs at once, though 4 slots are free.
      batch: { maxBatch: 4, kvTokensBudget: 2 * 512, reservePerJob: 300 },
    });
    workers.push(w);
    const ids = await enqueueMany('m-kv', 6);
    const ends = await Promise.all(ids.map((id) => readFramesUntilEnd(redis, keys, id)));
    expect(ends.map((frames) => frames.at(-1))).toEqual(ends.map(() => expect.objectContaining({ type: 'end' })));
    expect(w.model.peakRunning).toBe(2);
  });
});
