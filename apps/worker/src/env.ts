import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type ImageBackendEnv, imageBackendEnvSchema } from '@mgm/imagegen';
import { DEFAULT_REDIS_PREFIX, MgmError, describeZodError, redisPrefixSchema, redisUrlSchema } from '@mgm/protocol';

const intFrom = (min: number) => z.coerce.number().int().min(min);

/** Frames per second a streamed answer needs at most: a screen's refresh rate. */
const DEFAULT_DELTA_INTERVAL_MS = 16;
/** Sequences a worker decodes together by default (measured with `npm run bench:batch`: README). */
export const DEFAULT_MAX_BATCH = 8;

const configSchema = z.object({
  model: z
    .string({ error: 'give the checkpoint folder or zoo name: --model models/mgm-tiny (or MGM_MODEL)' })
    .min(1, 'give the checkpoint folder or zoo name: --model models/mgm-tiny (or MGM_MODEL)'),
  modelsDir: z.string().min(1).optional(),
  device: z.string().min(1).default('cpu'),
  dtype: z.enum(['fp32', 'fp16', 'q8', 'q4']).default('fp32'),
  /** Sequences decoded together (continuous batching) = jobs the worker takes at a time; 1 = batching off. */
  maxBatch: intFrom(1).max(256).optional(),
  /** Deprecated name of maxBatch (jobs at a time). */
  concurrency: intFrom(1).max(256).optional(),
  /** KV-cache budget of the worker, in tokens or MB (one of them); default maxBatch × context length. */
  kvBudgetTokens: intFrom(1).optional(),
  kvBudgetMb: z.coerce.number().positive().optional(),
  batchLayout: z.enum(['exact', 'packed']).default('exact'),
  /** Most MB of the KV budget the prefix cache may hold; 0 = off; default the whole budget. */
  prefixCacheMb: z.coerce.number().nonnegative().optional(),
  /** MB of uploaded images the worker keeps after reading them (a conversation's later turns skip Redis); 0 = off. */
  imageCacheMb: z.coerce.number().nonnegative().default(64),
  /** onnxruntime intra-op threads per session; unset = onnxruntime's default (all cores). */
  threads: intFrom(1).optional(),
  /**
   * New sequences' vision + prefill on a thread of their own, beside the decode steps (a second
   * copy of the graphs in memory); auto = on for a batching CPU worker whose graphs take ≤ 1 GiB.
   */
  prefillThread: z.enum(['auto', 'on', 'off']).default('auto'),
  /** onnxruntime intra-op threads of the prefill thread's sessions; default 1. */
  prefillThreads: intFrom(1).default(1),
  workerId: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a worker id uses letters, digits, ".", "_" and "-"').optional(),
  redisUrl: redisUrlSchema.default('redis://127.0.0.1:6379'),
  redisPrefix: redisPrefixSchema.default(DEFAULT_REDIS_PREFIX),
  heartbeatMs: intFrom(100).default(3000),
  /** The record's expiry, pushed back every keepAliveMs by a thread: how long a dead worker counts as alive. */
  recordTtlMs: intFrom(500).default(2000),
  keepAliveMs: intFrom(50).default(400),
  lockDurationMs: intFrom(1000).default(15_000),
  stalledIntervalMs: intFrom(500).default(5000),
  drainTimeoutMs: intFrom(0).default(30_000),
  streamTtlSeconds: intFrom(10).default(3600),
  deltaIntervalMs: intFrom(0).max(1000).default(DEFAULT_DELTA_INTERVAL_MS),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type WorkerConfig = Omit<z.infer<typeof configSchema>, 'maxBatch' | 'concurrency'> & {
  workerId: string;
  model: string;
  maxBatch: number;
  /** Jobs at a time: maxBatch (the record's `concurrency`). */
  concurrency: number;
};

/**
 * Reads the worker's configuration from its command line, falling back to the environment:
 * --model (MGM_MODEL: a checkpoint folder or a zoo name), --models-dir (MGM_MODELS_DIR),
 * --device (MGM_DEVICE), --dtype (MGM_DTYPE; --load-8bit / --load-4bit = q8 / q4), --max-batch
 * (WORKER_MAX_BATCH; --concurrency / WORKER_CONCURRENCY is its old name), --kv-budget-tokens
 * (WORKER_KV_BUDGET_TOKENS) or --kv-budget-mb (WORKER_KV_BUDGET_MB), --batch-layout
 * (WORKER_BATCH_LAYOUT: exact | packed), --prefix-cache-mb (WORKER_PREFIX_CACHE_MB; 0 = off), --prefill-thread
 * (WORKER_PREFILL_THREAD: auto | on | off), --prefill-threads (WORKER_PREFILL_THREADS), --id (WORKER_ID), REDIS_URL, REDIS_PREFIX, WORKER_HEARTBEAT_MS,
 * WORKER_RECORD_TTL_MS, WORKER_KEEPALIVE_MS, WORKER_LOCK_MS, WORKER_STALLED_INTERVAL_MS, WORKER_DRAIN_TIMEOUT_MS,
 * WORKER_DELTA_INTERVAL_MS, STREAM_TTL_S, LOG_LEVEL.
 */
export function parseWorkerConfig(argv: string[], env: NodeJS.ProcessEnv): WorkerConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        device: { type: 'string' },
        dtype: { type: 'string' },
        'load-8bit': { type: 'boolean' },
        'load-4bit': { type: 'boolean' },
        'models-dir': { type: 'string' },
        concurrency: { type: 'string' },
        'max-batch': { type: 'string' },
        'kv-budget-tokens': { type: 'string' },
        'kv-budget-mb': { type: 'string' },
        'batch-layout': { type: 'string' },
        'prefix-cache-mb': { type: 'string' },
        'image-cache-mb': { type: 'string' },
        threads: { type: 'string' },
        'prefill-thread': { type: 'string' },
        'prefill-threads': { type: 'string' },
        id: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new MgmError('BAD_REQUEST', `${(error as Error).message}. Usage: worker --model <checkpoint dir | zoo name> [--models-dir DIR] [--device cpu|cuda:N] [--dtype fp32|fp16|q8|q4 | --load-8bit | --load-4bit] [--max-batch N] [--kv-budget-tokens N | --kv-budget-mb N] [--batch-layout exact|packed] [--prefix-cache-mb N] [--image-cache-mb N] [--threads N] [--prefill-thread auto|on|off] [--prefill-threads N] [--id ID]`);
  }
  const alias = values['load-8bit'] ? 'q8' : values['load-4bit'] ? 'q4' : undefined;
  if (values['load-8bit'] && values['load-4bit']) throw new MgmError('BAD_REQUEST', '--load-8bit and --load-4bit exclude each other');
  if (alias && values.dtype !== undefined && values.dtype !== alias) {
    throw new MgmError('BAD_REQUEST', `--load-${alias === 'q8' ? 8 : 4}bit means --dtype ${alias}, but --dtype ${values.dtype} was given`);
  }
  const parsed = configSchema.safeParse({
    model: values.model ?? env.MGM_MODEL,
    modelsDir: values['models-dir'] ?? env.MGM_MODELS_DIR,
    device: values.device ?? env.MGM_DEVICE,
    dtype: alias ?? values.dtype ?? env.MGM_DTYPE,
    maxBatch: values['max-batch'] ?? env.WORKER_MAX_BATCH,
    concurrency: values.concurrency ?? env.WORKER_CONCURRENCY,
    kvBudgetTokens: values['kv-budget-tokens'] ?? env.WORKER_KV_BUDGET_TOKENS,
    kvBudgetMb: values['kv-budget-mb'] ?? env.WORKER_KV_BUDGET_MB,
    batchLayout: values['batch-layout'] ?? env.WORKER_BATCH_LAYOUT,
    prefixCacheMb: values['prefix-cache-mb'] ?? env.WORKER_PREFIX_CACHE_MB,
    imageCacheMb: values['image-cache-mb'] ?? env.WORKER_IMAGE_CACHE_MB,
    threads: values.threads ?? env.WORKER_THREADS,
    prefillThread: values['prefill-thread'] ?? env.WORKER_PREFILL_THREAD,
    prefillThreads: values['prefill-threads'] ?? env.WORKER_PREFILL_THREADS,
    workerId: values.id ?? env.WORKER_ID,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    heartbeatMs: env.WORKER_HEARTBEAT_MS,
    recordTtlMs: env.WORKER_RECORD_TTL_MS,
    keepAliveMs: env.WORKER_KEEPALIVE_MS,
    lockDurationMs: env.WORKER_LOCK_MS,
    stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
    drainTimeoutMs: env.WORKER_DRAIN_TIMEOUT_MS,
    streamTtlSeconds: env.STREAM_TTL_S,
    deltaIntervalMs: env.WORKER_DELTA_INTERVAL_MS,
    logLevel: env.LOG_LEVEL,
  });
  if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid worker configuration: ${describeZodError(parsed.error)}`);
  const { maxBatch: batchOption, concurrency: concurrencyOption, ...config } = parsed.data;
  if (batchOption !== undefined && concurrencyOption !== undefined && batchOption !== concurrencyOption) {
    throw new MgmError('BAD_REQUEST', `--max-batch ${batchOption} and --concurrency ${concurrencyOption} disagree: --concurrency is the old name of --max-batch, give one`);
  }
  if (config.kvBudgetTokens !== undefined && config.kvBudgetMb !== undefined) {
    throw new MgmError('BAD_REQUEST', 'give the KV-cache budget once: --kv-budget-tokens or --kv-budget-mb');
  }
  const maxBatch = batchOption ?? concurrencyOption ?? DEFAULT_MAX_BATCH;
  if (config.keepAliveMs * 3 > config.recordTtlMs) {
    throw new MgmError('BAD_REQUEST', 'WORKER_RECORD_TTL_MS must be at least three times WORKER_KEEPALIVE_MS, or a late beat kills the worker');
  }
  const modelName = path.basename(path.resolve(config.model));
  const workerId = config.workerId ?? `${modelName}.${hostname().replace(/[^A-Za-z0-9-]/g, '-')}.${process.pid}.${randomBytes(3).toString('hex')}`;
  if (config.prefillThread === 'on' && config.device !== 'cpu') {
    throw new MgmError('BAD_REQUEST', `--prefill-thread on is for --device cpu only (it loads a second copy of the graphs), not ${config.device}`);
  }
  return { ...config, model: config.model, workerId, maxBatch, concurrency: maxBatch };
}

/**
 * The text-to-image backend for params.generateImage: IMAGE_BACKEND = scene (default: the
 * synthetic-scene renderer for the tiny checkpoints) | openai | a1111, IMAGE_BACKEND_URL,
 * IMAGE_BACKEND_API_KEY, IMAGE_BACKEND_MODEL, IMAGE_SIZE (WIDTHxHEIGHT).
 */
export function parseImageBackendEnv(env: NodeJS.ProcessEnv): ImageBackendEnv {
  const parsed = imageBackendEnvSchema.safeParse(env);
  if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid image backend configuration: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
