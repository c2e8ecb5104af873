import { z } from 'zod';
import { errorCodeSchema } from './error-codes.ts';
import { modelIdSchema, workerIdSchema } from './ids.ts';
import { finishReasonSchema } from './stream-frame.ts';
import { workerRecordSchema } from './worker-record.ts';

/**
 * alive: heartbeating. dead: the worker missed its heartbeats (more than 60 % of its record's
 * expiry has passed without one) or its record expired; a dead row is removed a while later.
 */
export const workerLivenessSchema = z.enum(['alive', 'dead']);
export type WorkerLiveness = z.infer<typeof workerLivenessSchema>;

/** One row of the admin dashboard: the worker's record plus what the controller saw of it. */
export const adminWorkerSchema = workerRecordSchema.extend({
  liveness: workerLivenessSchema,
  /** Since the last heartbeat, at `AdminSnapshot.at`. */
  heartbeatAgeMs: z.number().nonnegative(),
  /** Until the record expires; null once it has. */
  expiresInMs: z.number().nonnegative().nullable(),
  /** Why a dead worker counts as dead. */
  deadReason: z.string().nullable(),
  /** Epoch ms when a dead row leaves the dashboard. */
  removeAt: z.number().int().nullable(),
});
export type AdminWorker = z.infer<typeof adminWorkerSchema>;

/** BullMQ job counts of one model's queue (`waiting` includes prioritized and paused jobs). */
export const queueCountsSchema = z.object({
  waiting: z.number().int().nonnegative(),
  active: z.number().int().nonnegative(),
  delayed: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});
export type QueueCounts = z.infer<typeof queueCountsSchema>;

export const adminModelSchema = z.object({
  id: modelIdSchema,
  displayName: z.string(),
  workers: z.object({
    alive: z.number().int().nonnegative(),
    ready: z.number().int().nonnegative(),
    paused: z.number().int().nonnegative(),
    draining: z.number().int().nonnegative(),
    loading: z.number().int().nonnegative(),
    dead: z.number().int().nonnegative(),
  }),
  queue: queueCountsSchema,
  /** The whole queue is paused (no worker of the model takes jobs), as opposed to one worker. */
  queuePaused: z.boolean(),
  /** Mean decode speed reported by the model's live workers; null before their first job. */
  tokensPerSecond: z.number().nonnegative().nullable(),
});
export type AdminModel = z.infer<typeof adminModelSchema>;

/** One job of the "last jobs" list. Times are epoch ms; durations ms. */
export const adminJobSchema = z.object({
  jobId: z.string(),
  model: modelIdSchema,
  state: z.enum(['waiting', 'active', 'delayed', 'completed', 'failed', 'unknown']),
  workerId: workerIdSchema.nullable(),
  enqueuedAt: z.number().int().nonnegative(),
  startedAt: z.number().int().nullable(),
  finishedAt: z.number().int().nullable(),
  finishReason: finishReasonSchema.nullable(),
  promptTokens: z.number().int().nonnegative().nullable(),
  generatedTokens: z.number().int().nonnegative().nullable(),
  queueMs: z.number().nonnegative().nullable(),
  ttftMs: z.number().nonnegative().nullable(),
  totalMs: z.number().nonnegative().nullable(),
  tokensPerSecond: z.number().nonnegative().nullable(),
  errorCode: errorCodeSchema.nullable(),
  error: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
});
export type AdminJob = z.infer<typeof adminJobSchema>;

/** What the admin namespace pushes every second (and `GET /api/admin/overview` answers). */
export const adminSnapshotSchema = z.object({
  /** Controller clock, epoch ms. */
  at: z.number().int(),
  workers: z.array(adminWorkerSchema),
  models: z.array(adminModelSchema),
  /** The last jobs of every model, newest first. */
  jobs: z.array(adminJobSchema),
});
export type AdminSnapshot = z.infer<typeof adminSnapshotSchema>;

/** One sample of a model's series (every ADMIN_SAMPLE_INTERVAL_MS). */
export const seriesPointSchema = z.object({
  t: z.number().int(),
  /** Generated tokens per second over the sample interval, all workers of the model together. */
  tokensPerSecond: z.number().nonnegative(),
  waiting: z.number().int().nonnegative(),
  active: z.number().int().nonnegative(),
});
export type SeriesPoint = z.infer<typeof seriesPointSchema>;

export const adminSeriesSchema = z.object({
  windowMs: z.number().int().positive(),
  intervalMs: z.number().int().positive(),
  models: z.record(z.string(), z.array(seriesPointSchema)),
});
export type AdminSeries = z.infer<typeof adminSeriesSchema>;

/** The answer of every admin action: what happened, in words, for the dashboard to show. */
export const adminActionResultSchema = z.object({
  ok: z.boolean(),
  message: z.string(),
  /** Jobs an action on failed jobs touched. */
  count: z.number().int().nonnegative().optional(),
});
export type AdminActionResult = z.infer<typeof adminActionResultSchema>;

/** Model-queue actions (`POST /api/admin/models/:model/queue/:action`). */
export const queueActionSchema = z.enum(['pause', 'resume']);
export type QueueAction = z.infer<typeof queueActionSchema>;

/** Socket.io namespace `/admin` (admin token or session required). */
export const ADMIN_NAMESPACE = '/admin';

export interface AdminServerToClientEvents {
  snapshot: (snapshot: AdminSnapshot) => void;
  series: (series: AdminSeries) => void;
  /** The session ended (logout, expiry, token changed): the socket is closed next. */
  unauthorized: (message: string) => void;
}

export interface AdminClientToServerEvents {
  /** Asks for the series now (they are otherwise pushed after each sample). */
  series: (ack: (series: AdminSeries) => void) => void;
}
