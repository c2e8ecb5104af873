import { hostname } from 'node:os';
import { loadManifest, loadModel } from '@mgm/engine';
import { resolveCheckpoint } from '@mgm/model-zoo';
import { isMgmError, redisConnectionOptions, redisKeys } from '@mgm/protocol';
import { capabilitiesOf } from './capabilities.ts';
import { evaluationFromManifest } from './manifest-evaluation.ts';
import { createImageBackend } from '@mgm/imagegen';
import { parseImageBackendEnv, parseWorkerConfig } from './env.ts';
import { type JobExtras, lazyOcr } from './job-extras.ts';
import { type KvShape, resolveKvBudget, resolvePrefixCacheTokens } from './kv-budget.ts';
import { createLogger } from './logger.ts';
import { ModelWorker } from './model-worker.ts';
import { connectRedis } from './redis-connection.ts';
import { WorkerRegistration } from './worker-registration.ts';

async function main(): Promise<void> {
  let config;
  let checkpoint: string;
  let imageEnv;
  try {
    config = parseWorkerConfig(process.argv.slice(2), process.env);
    imageEnv = parseImageBackendEnv(process.env);
    checkpoint = resolveCheckpoint(config.model, { modelsDir: config.modelsDir }).dir;
  } catch (error) {
    console.error(isMgmError(error) ? error.message : error);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel, 'mgm-worker').child({ workerId: config.workerId });
  const keys = redisKeys(config.redisPrefix);
  // A batched decode step gives every row its token in one tick: their frames (one EVAL each)
  // leave in one write instead of one syscall and Redis round trip per row.
  const redis = connectRedis(config.redisUrl, 'worker', logger, { autoPipelining: true });

  const { manifest } = await loadManifest(checkpoint);
  const kvShape: KvShape = {
    contextLength: manifest.context_length,
    numLayers: manifest.llm.num_layers,
    numKvHeads: manifest.llm.num_kv_heads,
    headDim: manifest.llm.head_dim,
    dtype: manifest.kv_cache.dtype,
  };
  let kvBudgetTokens: number;
  try {
    kvBudgetTokens = resolveKvBudget(config, kvShape);
  } catch (error) {
    console.error(isMgmError(error) ? error.message : error);
    process.exit(2);
  }
  const now = Date.now();
  // Published while the model loads, so the dashboard shows the worker in state "loading".
  const registration = new WorkerRegistration({
    redis,
    keys,
    logger,
    ttlMs: config.recordTtlMs,
    heartbeatMs: config.heartbeatMs,
    keepAlive: { connection: redisConnectionOptions(config.redisUrl), intervalMs: config.keepAliveMs },
    initial: {
      id: config.workerId,
      model: manifest.name,
      displayName: manifest.display_name ?? manifest.name,
      architecture: manifest.architecture,
      capabilities: capabilitiesOf({ architecture: manifest.architecture, grid: manifest.image.grid }),
      checkpoint,
      device: config.device,
      executionProvider: 'loading',
      dtype: config.dtype,
      lrSize: manifest.image.lr_size,
      hrSize: manifest.image.hr_size,
      visualTokens: manifest.image.visual_tokens,
      contextLength: manifest.context_length,
      template: manifest.template,
      evaluation: evaluationFromManifest(manifest.eval),
      state: 'loading',
      inFlight: 0,
      concurrency: config.concurrency,
      jobsDone: 0,
      jobsFailed: 0,
      tokensPerSecond: null,
      ttftMsMedian: null,
      memoryRss: process.memoryUsage.rss(),
      host: hostname(),
      pid: process.pid,
      startedAt: now,
      heartbeatAt: now,
    },
  });
  await registration.start();

  let model;
  try {
    model = await loadModel(checkpoint, {
      device: config.device,
      dtype: config.dtype,
      logger,
      intraOpThreads: config.threads,
      maxBatch: config.maxBatch,
      kvBudgetTokens,
      prefixCacheTokens: resolvePrefixCacheTokens(config, kvShape, kvBudgetTokens),
      batchLayout: config.batchLayout,
      prefillThread: config.prefillThread === 'auto' ? 'auto' : config.prefillThread === 'on',
      prefillThreadOps: config.prefillThreads,
    });
  } catch (error) {
    logger.fatal({ err: error }, 'could not load the checkpoint');
    await registration.deregister().catch(() => undefined);
    redis.disconnect();
    process.exit(1);
  }

  const extras: JobExtras = {
    ocr: lazyOcr({ intraOpThreads: 1, logger }),
    imageBackend: createImageBackend(imageEnv),
  };
  logger.info({ imageBackend: extras.imageBackend.name }, 'image backend');

  const worker = new ModelWorker({
    model,
    extras,
    redis,
    connect: (role) => connectRedis(config.redisUrl, `worker-${role}`, logger),
    keys,
    logger,
    workerId: config.workerId,
    checkpoint,
    displayName: manifest.display_name ?? manifest.name,
    capabilities: capabilitiesOf({ architecture: manifest.architecture, grid: manifest.image.grid }),
    evaluation: evaluationFromManifest(manifest.eval),
    concurrency: config.concurrency,
    heartbeatMs: config.heartbeatMs,
    recordTtlMs: config.recordTtlMs,
    lockDurationMs: config.lockDurationMs,
    stalledIntervalMs: config.stalledIntervalMs,
    drainTimeoutMs: config.drainTimeoutMs,
    streamTtlSeconds: config.streamTtlSeconds,
    deltaIntervalMs: config.deltaIntervalMs,
    imageCacheMb: config.imageCacheMb,
    registration,
    onExit: (reason) => void finish(reason),
  });

  let finishing = false;
  const finish = async (reason: string): Promise<void> => {
    if (finishing) return;
    finishing = true;
    logger.info({ reason }, 'stopping');
    await worker.close().catch((error: unknown) => logger.error({ err: error }, 'close failed'));
    await model.close().catch(() => undefined);
    await extras.ocr.close().catch(() => undefined);
    await redis.quit().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void finish('SIGTERM'));
  process.on('SIGINT', () => void finish('SIGINT'));

  await worker.start();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
