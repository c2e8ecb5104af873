import type { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { decodeFrameEntry, jobResultSchema, type RedisKeys } from '@mgm/protocol';
import { failureFrame } from '../job-dispatcher.ts';
import type { ServingMetrics } from './serving-metrics.ts';

/** The controller's one BullMQ event reader per model queue (the job dispatcher's). */
export interface QueueEventSource {
  listen(model: string): Promise<void>;
  onQueueEvents(attach: (model: string, events: QueueEvents) => void): void;
}

export interface JobEventsDeps {
  redis: Redis;
  events: QueueEventSource;
  keys: RedisKeys;
  metrics: ServingMetrics;
  logger: Logger;
}

/**
 * Feeds the metrics from every model queue's BullMQ event stream: `completed` carries the
 * worker's result (tokens, timings, finish reason), `failed` the error code. A job that
 * completed without a result (it was stopped) is read from its stream's end frame. It listens on
 * the dispatcher's event readers (no reader of its own), which read from the controller's start,
 * so a model's first jobs count even when they end before its listener is attached.
 */
export class JobEvents {
  private closed = false;

  constructor(private readonly deps: JobEventsDeps) {
    deps.events.onQueueEvents((model, events) => this.attach(model, events));
  }

  /** Starts listening to each model not listened to yet. */
  async watch(models: Iterable<string>): Promise<void> {
    if (this.closed) return;
    await Promise.all([...models].map((model) => this.deps.events.listen(model)));
  }

  /** Stops counting (the readers belong to the dispatcher, which closes them). */
  async close(): Promise<void> {
    this.closed = true;
  }

  private attach(model: string, events: QueueEvents): void {
    const { logger } = this.deps;
    events.on('completed', ({ jobId, returnvalue }) => {
      if (this.closed) return;
      void this.onCompleted(model, jobId, returnvalue).catch((error: unknown) => logger.warn({ err: error, jobId }, 'could not count a job'));
    });
    events.on('failed', ({ failedReason }) => {
      if (this.closed) return;
      const frame = failureFrame(failedReason);
      this.deps.metrics.observeFailed(model, frame.type === 'error' ? frame.code : 'WORKER_FAILED');
    });
  }

  private async onCompleted(model: string, jobId: string, returnvalue: unknown): Promise<void> {
    const result = jobResultSchema.safeParse(returnvalue);
    if (result.success) {
      this.deps.metrics.observeCompleted(model, result.data);
      return;
    }
    const last = (await this.deps.redis.xrevrange(this.deps.keys.jobStream(jobId), '+', '-', 'COUNT', 1))[0];
    const frame = last ? safeDecode(jobId, last[0], last[1]) : null;
    if (frame?.type === 'end') this.deps.metrics.observeCompleted(model, frame);
    else if (frame?.type === 'error') this.deps.metrics.observeRejected(model, frame.code);
    else this.deps.metrics.observeAborted(model);
  }
}

function safeDecode(jobId: string, id: string, fields: string[]) {
  try {
    return decodeFrameEntry(jobId, id, fields);
  } catch {
    return null;
  }
}
