import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueNameForModel, type ErrorCode, type RedisKeys } from '@mgm/protocol';
import { connect, readFramesUntilEnd, silentLogger, testNamespace, waitFor } from '@mgm/worker/testing';
import { JobEvents } from '../src/admin/job-events.ts';
import type { ServingMetrics } from '../src/admin/serving-metrics.ts';
import { JobDispatcher } from '../src/job-dispatcher.ts';

let redis: Redis;
let keys: RedisKeys;
let cleanup: (redis: Redis) => Promise<void>;
const closers: Array<() => Promise<unknown>> = [];

beforeEach(() => {
  redis = connect();
  ({ keys, cleanup } = testNamespace('queue-events'));
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await cleanup(redis);
  await redis.quit();
});

describe('BullMQ event readers of the controller', () => {
  it('one reader per model queue serves both the failure frames and the metrics', async () => {
    const roles: string[] = [];
    const dispatcher = new JobDispatcher({
      redis,
      connect: (role) => {
        roles.push(role);
        const connection = connect();
        closers.push(() => connection.quit().catch(() => undefined));
        return connection;
      },
      keys,
      logger: silentLogger,
      jobTtlSeconds: 60,
    });
    closers.push(() => dispatcher.close());
    const failed: Array<[string, ErrorCode]> = [];
    const metrics = { observeFailed: (model: string, code: ErrorCode) => failed.push([model, code]) } as unknown as ServingMetrics;
    const events = new JobEvents({ redis, events: dispatcher, keys, metrics, logger: silentLogger });
    closers.push(() => events.close());

    // The admin monitor asks for the model before and after the dispatcher follows it.
    await events.watch(['alpha']);
    await dispatcher.watch('alpha');
    await events.watch(['alpha']);
    expect(roles.filter((role) => role.startsWith('events-') || role.startsWith('admin-events-'))).toEqual(['events-alpha']);
    expect(dispatcher.watchedModels()).toEqual(['alpha']);

    // A job that fails without writing its error frame: the dispatcher writes it, the metrics count it.
    const worker = new Worker(queueNameForModel('alpha'), async () => {
      throw new UnrecoverableError('boom');
    }, { connection: connect(), prefix: keys.bullPrefix });
    closers.push(() => worker.close());
    await dispatcher.enqueue({
      jobId: 'qe-job-1',
      requestId: 'qe-request-1',
      model: 'alpha',
      enqueuedAt: Date.now(),
      messages: [{ role: 'user', content: 'hello' }],
      imageId: null,
      params: {},
    } as Parameters<JobDispatcher['enqueue']>[0]);
    const frames = await readFramesUntilEnd(redis, keys, 'qe-job-1');
    expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'WORKER_FAILED', message: 'the worker failed: boom' });
    await waitFor(async () => failed.length > 0 || null, 'the failure to be counted');
    expect(failed).toEqual([['alpha', 'WORKER_FAILED']]);

    // A model only the metrics follow gets a reader too, but is not among the dispatcher's queues.
    await events.watch(['beta']);
    expect(roles.filter((role) => role.startsWith('events-'))).toEqual(['events-alpha', 'events-beta']);
    expect(dispatcher.watchedModels()).toEqual(['alpha']);
  });
});
