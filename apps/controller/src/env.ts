import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_REDIS_PREFIX, MgmError, describeZodError, redisPrefixSchema, redisUrlSchema } from '@mgm/protocol';
import { parseArenaWeights, type ArenaWeights } from './arena/model-draw.ts';

const intFrom = (min: number) => z.coerce.number().int().min(min);

const envSchema = z.object({
  port: intFrom(0).max(65_535).default(8780),
  host: z.string().min(1).default('127.0.0.1'),
  redisUrl: redisUrlSchema.default('redis://127.0.0.1:6379'),
  redisPrefix: redisPrefixSchema.default(DEFAULT_REDIS_PREFIX),
  dataDir: z.string().min(1).default('data'),
  imageTtlSeconds: intFrom(60).default(24 * 3600),
  maxUploadBytes: intFrom(1024).default(20 * 1024 * 1024),
  jobTtlSeconds: intFrom(60).default(3600),
  watchdogIntervalMs: intFrom(100).default(2000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type ControllerConfig = z.infer<typeof envSchema> & { arenaWeights: ArenaWeights };

/**
 * The controller's configuration, from the environment: CONTROLLER_PORT (8780), CONTROLLER_HOST
 * (127.0.0.1), REDIS_URL, REDIS_PREFIX (mgm), DATA_DIR (./data: feedback.jsonl), IMAGE_TTL_S
 * (86400), MAX_UPLOAD_BYTES (20 MiB), JOB_TTL_S (3600: how long a job's frames can be resumed),
 * WATCHDOG_INTERVAL_MS (2000), LOG_LEVEL (info), ARENA_WEIGHTS ("model=weight,...": arena draw weights,
 * unlisted models weigh 1, 0 keeps a model out).
 */
export function parseControllerConfig(env: NodeJS.ProcessEnv): ControllerConfig {
  const parsed = envSchema.safeParse({
    port: env.CONTROLLER_PORT,
    host: env.CONTROLLER_HOST,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    dataDir: env.DATA_DIR,
    imageTtlSeconds: env.IMAGE_TTL_S,
    maxUploadBytes: env.MAX_UPLOAD_BYTES,
    jobTtlSeconds: env.JOB_TTL_S,
    watchdogIntervalMs: env.WATCHDOG_INTERVAL_MS,
    logLevel: env.LOG_LEVEL,
  });
  if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid controller configuration: ${describeZodError(parsed.error)}`);
  return { ...parsed.data, dataDir: path.resolve(parsed.data.dataDir), arenaWeights: parseArenaWeights(env.ARENA_WEIGHTS) };
}
