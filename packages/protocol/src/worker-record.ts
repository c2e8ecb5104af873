import { z } from 'zod';
import { modelEvaluationSchema } from './model-evaluation.ts';
import { modelIdSchema, workerIdSchema } from './ids.ts';

export const workerStateSchema = z.enum(['loading', 'ready', 'paused', 'draining']);
export type WorkerState = z.infer<typeof workerStateSchema>;

export const architectureSchema = z.enum(['mgm', 'llava']);
export type Architecture = z.infer<typeof architectureSchema>;

/** What a model can do, shown in the model picker and used by compare/arena to filter. */
export const capabilitySchema = z.enum(['image', 'multi-turn', 'hd', 'patch-info-mining']);
export type Capability = z.infer<typeof capabilitySchema>;

/**
 * A worker's prefix cache (keys/values of recent prompts, vision features of recent images),
 * held inside the batch's KV budget. Counters are since the worker started.
 */
export const workerPrefixCacheSchema = z.object({
  enabled: z.boolean(),
  /** Prompts looked up, and those that reused a cached prefix. */
  lookups: z.number().int().nonnegative(),
  hits: z.number().int().nonnegative(),
  /** Prompt positions (text + visual) looked up, and those taken from the cache instead of prefilled. */
  promptTokens: z.number().int().nonnegative(),
  reusedTokens: z.number().int().nonnegative(),
  /** Requests with an image, and those that did not run the vision graph thanks to the cache. */
  imageLookups: z.number().int().nonnegative(),
  imageHits: z.number().int().nonnegative(),
  entries: z.number().int().nonnegative(),
  /** KV-budget tokens the cache holds now, and its bytes. */
  tokens: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  maxTokens: z.number().int().nonnegative(),
  evictions: z.number().int().nonnegative(),
});
export type WorkerPrefixCache = z.infer<typeof workerPrefixCacheSchema>;

/**
 * A worker's continuous batch: occupancy, KV-cache use and how many rows its decode steps had.
 * Optional in the record (workers from before batching have none).
 */
export const workerBatchSchema = z.object({
  maxBatch: z.number().int().positive(),
  /** Sequences holding a batch slot (prefilling or decoding). */
  running: z.number().int().nonnegative(),
  /** Jobs taken that wait for a slot or KV budget. */
  waiting: z.number().int().nonnegative(),
  /** Tokens in the KV cache now (padding excluded). */
  kvTokensUsed: z.number().int().nonnegative(),
  /** Worst-case tokens reserved by the admitted sequences (prompt + max new tokens each). */
  kvTokensReserved: z.number().int().nonnegative(),
  kvTokensBudget: z.number().int().positive(),
  kvBytesPerToken: z.number().int().positive(),
  /** Decode steps since the worker started, by batch size (index = sequences in the step). */
  stepsByBatchSize: z.array(z.number().int().nonnegative()).max(257),
  layout: z.enum(['exact', 'packed']),
  /** Absent from workers without a prefix cache. */
  prefixCache: workerPrefixCacheSchema.optional(),
});
export type WorkerBatch = z.infer<typeof workerBatchSchema>;

/**
 * A live worker, as it writes itself to Redis with an expiry. Times are epoch milliseconds.
 * A record that is no longer refreshed expires: that worker is dead.
 */
export const workerRecordSchema = z.object({
  id: workerIdSchema,
  model: modelIdSchema,
  displayName: z.string(),
  architecture: architectureSchema,
  capabilities: z.array(capabilitySchema),
  checkpoint: z.string(),
  device: z.string(),
  executionProvider: z.string(),
  dtype: z.string(),
  lrSize: z.number().int().positive(),
  hrSize: z.number().int().positive().nullable(),
  visualTokens: z.number().int().nonnegative(),
  contextLength: z.number().int().positive(),
  template: z.string(),
  /** The checkpoint's measured accuracy (its manifest's `eval` block); null when it has none. */
  evaluation: modelEvaluationSchema.nullable().optional(),
  state: workerStateSchema,
  inFlight: z.number().int().nonnegative(),
  concurrency: z.number().int().positive(),
  jobsDone: z.number().int().nonnegative(),
  jobsFailed: z.number().int().nonnegative(),
  /** Decode speed of recent jobs (mean over a window); null before the first job. */
  tokensPerSecond: z.number().nonnegative().nullable(),
  /** Median time to first token of recent jobs; null before the first job. */
  ttftMsMedian: z.number().nonnegative().nullable(),
  memoryRss: z.number().int().nonnegative(),
  batch: workerBatchSchema.optional(),
  host: z.string(),
  pid: z.number().int().nonnegative(),
  startedAt: z.number().int().nonnegative(),
  heartbeatAt: z.number().int().nonnegative(),
});
export type WorkerRecord = z.infer<typeof workerRecordSchema>;
