import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { decodeFrameEntry, jobResultSchema, queueNameForModel, type RedisKeys } from '@mgm/protocol';
import { failureFrame } from '../job-dispatcher.ts';
import type { ServingMetrics } from './serving-metrics.ts';

export interface JobEventsDeps {
  redis: Redis;
  /** A dedicated connection per model (QueueEvents blocks on it). */
  connect: (role: string) => Redis;
  keys: RedisKeys;
  metrics: ServingMetrics;
  logger: Logger;
}

/**
 * Feeds the metrics from every model queue's BullMQ event stream: `completed` carries the
 * worker's result (tokens, timings, finish reason), `failed` the error code. A job that
 * completed without a result (it was stopped) is read from its stream's end frame. Each
 * listener reads from the controller's start, so a model's first jobs count even when they
 * end before its listener is attached.
 */
export class JobEvents {
  /** Events are read from this moment on for every model, whenever its listener starts: none is missed or counted twice. */
  private readonly since = Date.now();
  private readonly listeners = new Map<string, QueueEvents>();
  private readonly connections: Redis[] = [];
  private closed = false;

  constructor(private readonly deps: JobEventsDeps) {}

  /** Starts listening to each model not listened to yet. */
  async watch(models: Iterable<string>): Promise<void> {
    const started: Promise<void>[] = [];
    for (const model of models) {
      if (this.closed || this.listeners.has(model)) continue;
      started.push(this.listen(model));
    }
    await Promise.all(started);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.listeners.values()].map((events) => events.close().catch(() => undefined)));
    await Promise.all(this.connections.map((connection) => connection.quit().catch(() => undefined)));
  }

  private async listen(model: string): Promise<void> {
    const { keys, logger } = this.deps;
    const connection = this.deps.connect(`admin-events-${model}`);
    this.connections.push(connection);
    // BullMQ event ids are Redis stream ids (ms-seq).
    const events = new QueueEvents(queueNameForModel(model), { connection, prefix: keys.bullPrefix, lastEventId: `${this.since}-0` });
    this.listeners.set(model, events);
    events.on('error', (error) => logger.warn({ err: error, model }, 'queue events error (metrics)'));
    events.on('completed', ({ jobId, returnvalue }) => {
      void this.onCompleted(model, jobId, returnvalue).catch((error: unknown) => logger.warn({ err: error, jobId }, 'could not count a job'));
    });
    events.on('failed', ({ failedReason }) => {
      const frame = failureFrame(failedReason);
      this.deps.metrics.observeFailed(model, frame.type === 'error' ? frame.code : 'WORKER_FAILED');
    });
    await events.waitUntilReady();
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
