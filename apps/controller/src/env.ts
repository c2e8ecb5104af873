import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ADMIN_TOKEN_MIN_LENGTH, DEFAULT_REDIS_PREFIX, MgmError, describeZodError, redisPrefixSchema, redisUrlSchema } from '@mgm/protocol';
import type { AdminOptions } from './admin/admin-setup.ts';
import { parseArenaWeights, type ArenaWeights } from './arena/model-draw.ts';
import type { OpenAiApiOptions } from './openai/openai-api.ts';
import { parseOpenAiEnv } from './openai/openai-env.ts';
import { parseLimitsConfig, type LimitsConfig } from './limits/index.ts';
import { parseAllowedOrigins } from './origin-policy.ts';

const intFrom = (min: number) => z.coerce.number().int().min(min);

const envSchema = z.object({
  port: intFrom(0).max(65_535).default(8780),
  host: z.string().min(1).default('127.0.0.1'),
  redisUrl: redisUrlSchema.default('redis://127.0.0.1:6379'),
  redisPrefix: redisPrefixSchema.default(DEFAULT_REDIS_PREFIX),
  dataDir: z.string().min(1).default('data'),
  evalSetDir: z.string().min(1).default('models/eval'),
  imageTtlSeconds: intFrom(60).default(24 * 3600),
  maxUploadBytes: intFrom(1024).default(20 * 1024 * 1024),
  // The event loop needs a core of its own: on 2 vCPUs one image thread decodes as fast as two
  // (libvips is parallel itself) with a quarter of the /healthz tail and 230 MB less (bench:uploads).
  imageThreads: intFrom(1).max(64).default(Math.min(2, Math.max(1, availableParallelism() - 1))),
  imageQueue: intFrom(0).default(8),
  leaderboardRefreshMs: intFrom(0).default(5000),
  jobTtlSeconds: intFrom(60).default(3600),
  watchdogIntervalMs: intFrom(100).default(2000),
  failoverCheckMs: intFrom(50).default(250),
  failoverMaxRestarts: intFrom(0).default(1),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  production: z.boolean(),
  adminToken: z
    .string()
    .min(ADMIN_TOKEN_MIN_LENGTH, `ADMIN_TOKEN must be at least ${ADMIN_TOKEN_MIN_LENGTH} characters: use a long random string (openssl rand -hex 32)`)
    .optional(),
  adminSessionTtlSeconds: intFrom(60).default(12 * 3600),
  adminPushIntervalMs: intFrom(100).default(1000),
  adminSampleIntervalMs: intFrom(500).default(5000),
  adminDeadRetentionMs: intFrom(0).default(30_000),
});
export type ControllerConfig = z.infer<typeof envSchema> & {
  arenaWeights: ArenaWeights;
  admin: AdminOptions;
  openai: OpenAiApiOptions;
  limits: LimitsConfig;
  allowedOrigins: string[];
};

/**
 * The controller's configuration, from the environment: CONTROLLER_PORT (8780), CONTROLLER_HOST
 * (127.0.0.1), REDIS_URL, REDIS_PREFIX (mgm), DATA_DIR (./data: feedback.jsonl, votes.jsonl, evaluations/),
 * EVAL_SET_DIR (models/eval: the shipped question set of evaluation runs), IMAGE_TTL_S
 * (86400), MAX_UPLOAD_BYTES (20 MiB), IMAGE_THREADS (CPUs - 1, at most 2: uploads decoded at once, in worker threads), IMAGE_QUEUE
 * (8: uploads waiting for a thread; beyond, 503 + Retry-After), LEADERBOARD_REFRESH_MS (5000: least time between
 * two leaderboard recomputations, which run in a worker thread), JOB_TTL_S (3600: how long a job's frames can be resumed),
 * WATCHDOG_INTERVAL_MS (2000), FAILOVER_CHECK_MS (250: how often jobs of dead workers are looked for),
 * FAILOVER_MAX_RESTARTS (1: restarts of a job whose worker died, then WORKER_FAILED), LOG_LEVEL (info), ARENA_WEIGHTS ("model=weight,...": arena draw weights,
 * unlisted models weigh 1, 0 keeps a model out), ADMIN_TOKEN (admin dashboard, admin API and /metrics;
 * required when NODE_ENV=production, else admin stays disabled without it), ADMIN_SESSION_TTL_S (43200),
 * ADMIN_PUSH_INTERVAL_MS (1000), ADMIN_SAMPLE_INTERVAL_MS (5000), ADMIN_DEAD_RETENTION_MS (30000); the OpenAI
 * API's API_OPEN_ACCESS and API_IMAGE_FETCH (openai/openai-env.ts).
 */
export function parseControllerConfig(env: NodeJS.ProcessEnv): ControllerConfig {
  const parsed = envSchema.safeParse({
    port: env.CONTROLLER_PORT,
    host: env.CONTROLLER_HOST,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    dataDir: env.DATA_DIR,
    evalSetDir: env.EVAL_SET_DIR,
    imageTtlSeconds: env.IMAGE_TTL_S,
    maxUploadBytes: env.MAX_UPLOAD_BYTES,
    imageThreads: env.IMAGE_THREADS,
    imageQueue: env.IMAGE_QUEUE,
    leaderboardRefreshMs: env.LEADERBOARD_REFRESH_MS,
    jobTtlSeconds: env.JOB_TTL_S,
    watchdogIntervalMs: env.WATCHDOG_INTERVAL_MS,
    failoverCheckMs: env.FAILOVER_CHECK_MS,
    failoverMaxRestarts: env.FAILOVER_MAX_RESTARTS,
    logLevel: env.LOG_LEVEL,
    production: env.NODE_ENV === 'production',
    adminToken: env.ADMIN_TOKEN === '' ? undefined : env.ADMIN_TOKEN,
    adminSessionTtlSeconds: env.ADMIN_SESSION_TTL_S,
    adminPushIntervalMs: env.ADMIN_PUSH_INTERVAL_MS,
    adminSampleIntervalMs: env.ADMIN_SAMPLE_INTERVAL_MS,
    adminDeadRetentionMs: env.ADMIN_DEAD_RETENTION_MS,
  });
  if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid controller configuration: ${describeZodError(parsed.error)}`);
  const config = parsed.data;
  if (config.production && config.adminToken === undefined) {
    throw new MgmError(
      'BAD_REQUEST',
      'ADMIN_TOKEN is not set: with NODE_ENV=production the controller does not start without it, because the admin dashboard, ' +
        'the admin API and /metrics need it. Set ADMIN_TOKEN to a long random string (e.g. `openssl rand -hex 32`).',
    );
  }
  const admin: AdminOptions = {
    token: config.adminToken ?? null,
    sessionTtlSeconds: config.adminSessionTtlSeconds,
    pushIntervalMs: config.adminPushIntervalMs,
    sampleIntervalMs: config.adminSampleIntervalMs,
    deadRetentionMs: config.adminDeadRetentionMs,
  };
  const openai = parseOpenAiEnv(env, config.production);
  // LIMIT_* variables: see limits/limits-config.ts.
  const limits = parseLimitsConfig(env);
  const allowedOrigins = parseAllowedOrigins(env.ALLOWED_ORIGINS);
  return {
    ...config,
    dataDir: path.resolve(config.dataDir),
    evalSetDir: path.resolve(config.evalSetDir),
    arenaWeights: parseArenaWeights(env.ARENA_WEIGHTS),
    admin,
    openai,
    limits,
    allowedOrigins,
  };
}
