import { isMgmError, redisKeys } from '@mgm/protocol';
import { createController } from './controller.ts';
import { ImagePool } from './image-pool.ts';
import { parseControllerConfig } from './env.ts';
import { createLogger } from './logger.ts';
import { connectRedis, redisReady } from './redis-connection.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = parseControllerConfig(process.env);
  } catch (error) {
    console.error(isMgmError(error) ? error.message : error);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel, 'mgm-controller');
  const redis = connectRedis(config.redisUrl, 'controller', logger, 'commands');
  await redisReady(redis);
  const images = new ImagePool({ threads: config.imageThreads, maxQueue: config.imageQueue, limits: { maxBytes: config.maxUploadBytes }, logger });
  const controller = await createController({
    redis,
    connect: (role, kind) => connectRedis(config.redisUrl, `controller-${role}`, logger, kind),
    keys: redisKeys(config.redisPrefix),
    logger,
    normalizeUpload: (bytes, options) => images.normalize(bytes, options),
    dataDir: config.dataDir,
    imageTtlSeconds: config.imageTtlSeconds,
    maxUploadBytes: config.maxUploadBytes,
    jobTtlSeconds: config.jobTtlSeconds,
    watchdogIntervalMs: config.watchdogIntervalMs,
    failover: { checkMs: config.failoverCheckMs, maxRestarts: config.failoverMaxRestarts },
    arenaWeights: config.arenaWeights,
    leaderboardRefreshMs: config.leaderboardRefreshMs,
    admin: config.admin,
    openai: config.openai,
    evaluation: { setDir: config.evalSetDir },
    limits: config.limits,
    allowedOrigins: config.allowedOrigins,
  });
  const port = await controller.listen(config.port, config.host);
  logger.info({ url: `http://${config.host}:${port}`, redisPrefix: config.redisPrefix, dataDir: config.dataDir }, 'controller listening');

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await controller.close().catch((error: unknown) => logger.error({ err: error }, 'close failed'));
    await images.close();
    await redis.quit().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
