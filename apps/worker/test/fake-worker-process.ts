/**
 * A worker process around the FakeModel, for tests that kill a real process (SIGKILL) or stop it
 * with SIGTERM. Configured by env: REDIS_URL, REDIS_PREFIX, FAKE_MODEL, WORKER_ID,
 * FAKE_TOKEN_DELAY_MS, FAKE_ANSWER (the whole answer), WORKER_* timings (the record is kept alive from a thread, as the real worker's). Prints "READY" when it
 * takes jobs.
 */
import { redisConnectionOptions, redisKeys } from '@mgm/protocol';
import { ModelWorker } from '../src/model-worker.ts';
import { FakeModel } from './fake-model.ts';
import { REDIS_URL, connect, silentLogger } from './redis-test-helpers.ts';

const env = process.env;
const answer = env.FAKE_ANSWER;
const model = new FakeModel({
  name: env.FAKE_MODEL ?? 'fake-tiny',
  tokenDelayMs: Number(env.FAKE_TOKEN_DELAY_MS ?? 5),
  ...(answer ? { answer: () => answer } : {}),
});
const redis = connect();
const worker = new ModelWorker({
  model,
  redis,
  connect: () => connect(),
  keys: redisKeys(env.REDIS_PREFIX ?? 'mgm'),
  logger: silentLogger,
  workerId: env.WORKER_ID ?? `fake-${process.pid}`,
  checkpoint: `/fake/${model.info.name}`,
  displayName: model.info.name,
  capabilities: ['image', 'multi-turn'],
  concurrency: 1,
  heartbeatMs: Number(env.WORKER_HEARTBEAT_MS ?? 200),
  recordTtlMs: Number(env.WORKER_RECORD_TTL_MS ?? 1000),
  keepAlive: { connection: redisConnectionOptions(REDIS_URL), intervalMs: Number(env.WORKER_KEEPALIVE_MS ?? 200) },
  lockDurationMs: Number(env.WORKER_LOCK_MS ?? 1500),
  stalledIntervalMs: Number(env.WORKER_STALLED_INTERVAL_MS ?? 500),
  drainTimeoutMs: Number(env.WORKER_DRAIN_TIMEOUT_MS ?? 5000),
  streamTtlSeconds: 60,
});
process.on('SIGTERM', () => {
  void worker.close().then(async () => {
    await redis.quit();
    process.exit(0);
  });
});
await worker.start();
process.stdout.write('READY\n');
