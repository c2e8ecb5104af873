import type { Redis } from 'ioredis';
import { redisConnectionOptions, type RedisKeys } from '@mgm/protocol';
import { ModelWorker, type ModelWorkerOptions } from '../src/model-worker.ts';
import { FakeModel, type FakeModelOptions } from './fake-model.ts';
import { REDIS_URL, connect, silentLogger } from './redis-test-helpers.ts';

export interface TestWorker {
  worker: ModelWorker;
  model: FakeModel;
  redis: Redis;
  close: () => Promise<void>;
}

/** Starts a ModelWorker around a FakeModel with short test timings (its record kept alive from a thread); `close` shuts it and its connections. */
export async function startTestWorker(
  keys: RedisKeys,
  options: FakeModelOptions & Partial<Omit<ModelWorkerOptions, 'model' | 'redis' | 'connect' | 'keys'>> = {},
): Promise<TestWorker> {
  const model = new FakeModel(options);
  const redis = connect();
  const recordTtlMs = options.recordTtlMs ?? 1000;
  const worker = new ModelWorker({
    model,
    redis,
    connect: () => connect(),
    keys,
    logger: silentLogger,
    workerId: options.workerId ?? `w-${Math.random().toString(36).slice(2, 8)}`,
    checkpoint: `/fake/${model.info.name}`,
    displayName: options.displayName ?? model.info.name.toUpperCase(),
    capabilities: options.capabilities ?? ['image', 'multi-turn', 'patch-info-mining'],
    concurrency: options.concurrency ?? 1,
    heartbeatMs: options.heartbeatMs ?? 200,
    recordTtlMs,
    // As in the real worker: the record lives while the process does, however busy the test's event loop.
    keepAlive: options.keepAlive ?? { connection: redisConnectionOptions(REDIS_URL), intervalMs: Math.min(200, Math.floor(recordTtlMs / 4)) },
    lockDurationMs: options.lockDurationMs ?? 2000,
    stalledIntervalMs: options.stalledIntervalMs ?? 500,
    drainTimeoutMs: options.drainTimeoutMs ?? 5000,
    streamTtlSeconds: options.streamTtlSeconds ?? 60,
    imageCacheMb: options.imageCacheMb ?? 64,
    onExit: options.onExit,
  });
  await worker.start();
  return {
    worker,
    model,
    redis,
    close: async () => {
      await worker.close();
      await redis.quit();
    },
  };
}
