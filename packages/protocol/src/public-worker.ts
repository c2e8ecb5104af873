import { z } from 'zod';
import { modelIdSchema } from './ids.ts';
import { workerStateSchema, type WorkerRecord } from './worker-record.ts';

/**
 * What `GET /api/workers` shows anyone: enough to see that a model is served and how fast, and
 * nothing about where (no worker id — the default one holds the host name —, host, pid,
 * checkpoint path or memory). The full records are admin-only (`GET /api/admin/workers`).
 */
export const publicWorkerSchema = z.object({
  model: modelIdSchema,
  state: workerStateSchema,
  device: z.string(),
  executionProvider: z.string(),
  dtype: z.string(),
  inFlight: z.number().int().nonnegative(),
  concurrency: z.number().int().positive(),
  tokensPerSecond: z.number().nonnegative().nullable(),
  ttftMsMedian: z.number().nonnegative().nullable(),
});
export type PublicWorker = z.infer<typeof publicWorkerSchema>;

/** Whether a worker runs on a GPU is public; which GPU of which host is not: "cuda:3" shows as "cuda". */
export function toPublicWorker(record: WorkerRecord): PublicWorker {
  return {
    model: record.model,
    state: record.state,
    device: record.device.replace(/:.*$/, ''),
    executionProvider: record.executionProvider,
    dtype: record.dtype,
    inFlight: record.inFlight,
    concurrency: record.concurrency,
    tokensPerSecond: record.tokensPerSecond,
    ttftMsMedian: record.ttftMsMedian,
  };
}
