import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { workerRecordSchema, type RedisConnectionOptions, type RedisKeys, type WorkerRecord } from '@mgm/protocol';
import { RecordKeepAlive } from './record-keepalive.ts';

export interface WorkerRegistrationOptions {
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  /** The record expires this long after the last heartbeat: then the worker counts as dead. */
  ttlMs: number;
  heartbeatMs: number;
  initial: WorkerRecord;
  /** Fresh figures (in-flight, stats, memory) merged into each heartbeat. */
  live?: () => Partial<WorkerRecord>;
  /**
   * Keeps the record's expiry pushed back from a thread every `intervalMs` (see RecordKeepAlive),
   * so `ttlMs` can be a few seconds; absent: only the heartbeats refresh it.
   */
  keepAlive?: { connection: RedisConnectionOptions; intervalMs: number };
}

/**
 * A worker's record in Redis: written with an expiry and refreshed every heartbeat, indexed in a
 * sorted set. Missing heartbeats make the record expire, which is how the controller sees death.
 */
export class WorkerRegistration {
  private record: WorkerRecord;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;
  private keepAlive: RecordKeepAlive | null = null;

  constructor(private readonly options: WorkerRegistrationOptions) {
    this.record = workerRecordSchema.parse(options.initial);
  }

  get current(): WorkerRecord {
    return this.record;
  }

  set live(provider: () => Partial<WorkerRecord>) {
    this.options.live = provider;
  }

  async start(): Promise<void> {
    await this.write();
    this.timer = setInterval(() => {
      this.write().catch((error: unknown) => this.options.logger.warn({ err: error }, 'heartbeat failed'));
    }, this.options.heartbeatMs);
    this.timer.unref();
    const { keepAlive, keys, ttlMs, heartbeatMs, logger } = this.options;
    if (keepAlive) {
      this.keepAlive = new RecordKeepAlive({
        connection: keepAlive.connection,
        key: keys.worker(this.record.id),
        indexKey: keys.workers,
        member: this.record.id,
        ttlMs,
        intervalMs: keepAlive.intervalMs,
        // Heartbeats are seconds apart; an event loop stuck for ten of them (at least 30 s) is a hung worker.
        stallLimitMs: Math.max(30_000, 10 * heartbeatMs),
        logger,
      });
      this.keepAlive.start();
      this.keepAlive.remember(JSON.stringify(this.record));
    }
  }

  /** Changes fields (state, model info) and publishes them at once. */
  async update(patch: Partial<WorkerRecord>): Promise<void> {
    this.record = workerRecordSchema.parse({ ...this.record, ...patch });
    await this.write();
  }

  /** Publishes the live fields (in-flight, stats) now, without waiting for the next heartbeat. */
  publish(): Promise<void> {
    return this.write();
  }

  /** Stops heartbeating and removes the record: the worker disappears from lists at once. */
  async deregister(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.keepAlive?.stop();
    this.keepAlive = null;
    await this.writing.catch(() => undefined);
    const { redis, keys } = this.options;
    await redis.multi().del(keys.worker(this.record.id)).zrem(keys.workers, this.record.id).exec();
  }

  private write(): Promise<void> {
    // Writes are chained so that a slow heartbeat never lands after a newer state change.
    this.writing = this.writing.catch(() => undefined).then(async () => {
      if (this.stopped) return;
      const now = Date.now();
      this.record = workerRecordSchema.parse({
        ...this.record,
        ...this.options.live?.(),
        memoryRss: process.memoryUsage.rss(),
        heartbeatAt: now,
      });
      const { redis, keys, ttlMs } = this.options;
      const json = JSON.stringify(this.record);
      this.keepAlive?.remember(json);
      await redis
        .multi()
        .set(keys.worker(this.record.id), json, 'PX', ttlMs)
        .zadd(keys.workers, now, this.record.id)
        .exec();
    });
    return this.writing;
  }
}
