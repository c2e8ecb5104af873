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
  host: z.string(),
  pid: z.number().int().nonnegative(),
  startedAt: z.number().int().nonnegative(),
  heartbeatAt: z.number().int().nonnegative(),
});
export type WorkerRecord = z.infer<typeof workerRecordSchema>;
