import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  errorCodeSchema,
  jobMetaSchema,
  queueNameForModel,
  type JobMeta,
  type JobPayload,
  type RedisKeys,
  type UnsequencedFrame,
} from '@mgm/protocol';
import { abortedEndFrame, appendFrame } from './frame-append.ts';
import type { RedisConnectionKind } from './redis-connection.ts';

export interface JobDispatcherOptions {
  redis: Redis;
  /** Makes the connections of BullMQ queues and queue-event listeners (closed by `close`). */
  connect: (role: string, kind?: RedisConnectionKind) => Redis;
  keys: RedisKeys;
  logger: Logger;
  /** How long a job's frames and metadata are kept (resume window). */
  jobTtlSeconds: number;
}

/**
 * Puts jobs on their model's BullMQ queue (any worker of the model pulls them), cancels them,
 * and turns BullMQ failures the workers could not report (a worker that died mid-job and was
 * given up on by stalled-job detection) into error frames.
 */
export class JobDispatcher {
  private readonly queues = new Map<string, Queue>();
  /**
   * One BullMQ event reader per model queue for the whole controller (each reader is a blocking
   * XREAD that every event of every job wakes): this dispatcher's `failed` listener and whoever
   * else asks (`onQueueEvents`: the admin metrics) share it.
   */
  private readonly events = new Map<string, { events: QueueEvents; ready: Promise<void> }>();
  private readonly eventListeners: Array<(model: string, events: QueueEvents) => void> = [];
  /** The models this controller enqueued to or followed. */
  private readonly followed = new Set<string>();
  /** Events are read from this moment on, whenever a model's reader starts: none is missed. */
  private readonly since = Date.now();
  private readonly connections: Redis[] = [];

  constructor(private readonly options: JobDispatcherOptions) {}

  queue(model: string): Queue {
    let queue = this.queues.get(model);
    if (!queue) {
      queue = new Queue(queueNameForModel(model), { connection: this.connection(`queue-${model}`, 'commands'), prefix: this.options.keys.bullPrefix });
      queue.on('error', (error) => this.options.logger.warn({ err: error, model }, 'queue error'));
      this.queues.set(model, queue);
    }
    return queue;
  }

  /** The models whose queues this controller enqueued to or followed (the queues it looks after). */
  watchedModels(): string[] {
    return [...this.followed];
  }

  /** Follows the model's queue: its `failed` events become error frames (once per model). */
  async watch(model: string): Promise<void> {
    this.followed.add(model);
    await this.listen(model);
  }

  /** Calls `attach` with the event reader of every model's queue, those read now and those to come. */
  onQueueEvents(attach: (model: string, events: QueueEvents) => void): void {
    this.eventListeners.push(attach);
    for (const [model, { events }] of this.events) attach(model, events);
  }

  /** Starts reading the model queue's events (once per model) without following the queue. */
  listen(model: string): Promise<void> {
    const existing = this.events.get(model);
    if (existing) return existing.ready;
    const { keys, logger } = this.options;
    // BullMQ event ids are Redis stream ids (ms-seq).
    const events = new QueueEvents(queueNameForModel(model), { connection: this.connection(`events-${model}`), prefix: keys.bullPrefix, lastEventId: `${this.since}-0` });
    events.on('error', (error) => logger.warn({ err: error, model }, 'queue events error'));
    events.on('failed', ({ jobId, failedReason }) => {
      void this.onFailed(jobId, failedReason).catch((error: unknown) => logger.error({ err: error, jobId }, 'could not report a failed job'));
    });
    for (const attach of this.eventListeners) attach(model, events);
    const ready = events.waitUntilReady().then(() => undefined);
    this.events.set(model, { events, ready });
    return ready;
  }

  /**
   * Adds a job to its model's queue. Without `priority` it goes to BullMQ's wait list, which
   * every worker empties before it looks at prioritized jobs: interactive questions (chat,
   * compare, arena) use that. Background work (evaluation runs) passes a priority (>= 1) and so
   * only runs when no interactive question waits.
   */
  async enqueue(payload: JobPayload, options: { priority?: number } = {}): Promise<void> {
    const { redis, keys, jobTtlSeconds } = this.options;
    const meta: JobMeta = { jobId: payload.jobId, requestId: payload.requestId, model: payload.model, enqueuedAt: payload.enqueuedAt };
    await this.watch(payload.model);
    // Independent writes, sent together: the meta is there long before any worker could need it.
    await Promise.all([
      redis
        .multi()
        .set(keys.jobMeta(payload.jobId), JSON.stringify(meta), 'EX', jobTtlSeconds)
        .sadd(keys.requestJobs(payload.requestId), payload.jobId)
        .expire(keys.requestJobs(payload.requestId), jobTtlSeconds)
        .exec(),
      this.queue(payload.model).add('generate', payload, {
        jobId: payload.jobId,
        attempts: 1,
        ...(options.priority === undefined ? {} : { priority: options.priority }),
        removeOnComplete: { age: jobTtlSeconds, count: 1000 },
        removeOnFail: { age: 24 * 3600, count: 1000 },
      }),
    ]);
  }

  async meta(jobId: string): Promise<JobMeta | null> {
    const raw = await this.options.redis.get(this.options.keys.jobMeta(jobId));
    if (raw === null) return null;
    const parsed = jobMetaSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }

  async jobsOfRequest(requestId: string): Promise<string[]> {
    return this.options.redis.smembers(this.options.keys.requestJobs(requestId));
  }

  /**
   * Cancels a job: raises its cancel flag (a running worker stops within a token) and takes it
   * off the queue if no worker started it yet, ending its stream with finish reason `abort`.
   */
  async cancel(meta: JobMeta): Promise<void> {
    const { redis, keys, jobTtlSeconds, logger } = this.options;
    await redis.set(keys.jobCancel(meta.jobId), '1', 'EX', jobTtlSeconds);
    const job = await this.queue(meta.model).getJob(meta.jobId);
    if (!job) return;
    const state = await job.getState();
    if (state !== 'waiting' && state !== 'prioritized' && state !== 'delayed') return;
    try {
      await job.remove();
    } catch (error) {
      // A worker took it in between: it sees the cancel flag before its first token.
      logger.debug({ err: error, jobId: meta.jobId }, 'job was taken while being cancelled');
      return;
    }
    await this.endWith(meta.jobId, abortedEndFrame(meta.enqueuedAt));
  }

  /**
   * Takes a job off the queue if no worker started it yet, ending its stream with `frame`;
   * answers whether it did (false: running, ended or gone).
   */
  async removeQueued(meta: JobMeta, frame: UnsequencedFrame): Promise<boolean> {
    const job = await this.queue(meta.model).getJob(meta.jobId);
    if (!job) return false;
    const state = await job.getState();
    if (state !== 'waiting' && state !== 'prioritized' && state !== 'delayed') return false;
    try {
      await job.remove();
    } catch {
      return false; // a worker took it in between: it runs
    }
    await this.endWith(meta.jobId, frame);
    return true;
  }

  /** BullMQ state of a job ('unknown' when it is gone). */
  async state(meta: JobMeta): Promise<{ state: string; failedReason?: string }> {
    const job = await this.queue(meta.model).getJob(meta.jobId);
    if (!job) return { state: 'unknown' };
    const state = await job.getState();
    return { state, failedReason: job.failedReason };
  }

  /** Removes a job that can no longer run (best effort: a locked job is left to BullMQ). */
  async discard(meta: JobMeta): Promise<void> {
    const job = await this.queue(meta.model).getJob(meta.jobId);
    await job?.remove().catch(() => undefined);
  }

  /** Ends a job's stream with this frame unless it already ended. */
  async endWith(jobId: string, frame: UnsequencedFrame): Promise<boolean> {
    const { redis, keys, jobTtlSeconds } = this.options;
    return (await appendFrame(redis, keys.jobStream(jobId), frame, jobTtlSeconds)) >= 0;
  }

  async close(): Promise<void> {
    await Promise.all([...this.events.values()].map(({ events }) => events.close().catch(() => undefined)));
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    await Promise.all(this.connections.map((c) => c.quit().catch(() => undefined)));
  }

  private connection(role: string, kind: RedisConnectionKind = 'blocking'): Redis {
    const connection = this.options.connect(role, kind);
    this.connections.push(connection);
    return connection;
  }

  private async onFailed(jobId: string, failedReason: string): Promise<void> {
    const ended = await this.endWith(jobId, failureFrame(failedReason));
    if (ended) this.options.logger.warn({ jobId, failedReason }, 'job failed without an error frame; reported it');
  }
}

/** Maps a BullMQ failure reason to an error frame a person understands. */
export function failureFrame(failedReason: string): UnsequencedFrame {
  if (/stalled/i.test(failedReason)) {
    return {
      type: 'error',
      code: 'WORKER_FAILED',
      message: 'the worker answering this stopped responding (it crashed or was killed); please try again',
    };
  }
  const coded = /^([A-Z_]+): (.*)$/s.exec(failedReason);
  const code = errorCodeSchema.safeParse(coded?.[1]);
  if (coded && code.success) return { type: 'error', code: code.data, message: coded[2]! };
  return { type: 'error', code: 'WORKER_FAILED', message: `the worker failed: ${failedReason}` };
}
