import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { RedisConnectionOptions } from '@mgm/protocol';

export interface RecordKeepAliveOptions {
  /** Where Redis is (the thread opens its own connection with the same TLS and credentials). */
  connection: RedisConnectionOptions;
  /** The worker record whose expiry the thread pushes back, and the index that lists it (member: the worker id). */
  key: string;
  indexKey: string;
  member: string;
  /** Expiry set on each beat: the controller counts the worker dead this long after its last beat. */
  ttlMs: number;
  intervalMs: number;
  /** The thread stops beating when the main event loop has not ticked for this long (a hung worker is dead). */
  stallLimitMs: number;
  logger: Logger;
}

/**
 * The thread's code. Kept as plain JavaScript evaluated in the thread (not a module file) so the
 * same code runs under vitest, tsx and the compiled dist without a loader; ioredis comes from the
 * path the main thread resolved. Each beat is one PEXPIRE, not doubled while one waits for Redis.
 * When the record is gone although the worker lives (Redis stalled past the expiry, or restarted
 * empty), the beat writes it again from the last content the main thread sent (SET NX, so it
 * never overwrites a newer one); the thread is stopped before a deregistration deletes it.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ioredis = require(workerData.ioredisPath);
const Redis = ioredis.Redis || ioredis.default || ioredis;
const { connection, key, indexKey, member, ttlMs, intervalMs, stallLimitMs, mainTick } = workerData;
let content = null;
parentPort.on('message', (message) => { content = message.record; });
const lastTick = new BigInt64Array(mainTick);
const redis = new Redis({ ...connection, connectionName: 'worker-keepalive', maxRetriesPerRequest: 1 });
redis.on('error', () => undefined);
let pending = false;
let stalledReported = false;
setInterval(() => {
  const stalledMs = Date.now() - Number(Atomics.load(lastTick, 0));
  if (stalledMs > stallLimitMs) {
    if (!stalledReported) parentPort.postMessage({ stalledMs });
    stalledReported = true;
    return;
  }
  stalledReported = false;
  if (pending) return;
  pending = true;
  redis
    .pexpire(key, ttlMs)
    .then((kept) => kept === 1 || content === null ? undefined : redis.multi().set(key, content, 'PX', ttlMs, 'NX').zadd(indexKey, Date.now(), member).exec())
    .catch((error) => parentPort.postMessage({ error: String(error && error.message) }))
    .finally(() => { pending = false; });
}, intervalMs);
`;

/**
 * Keeps the worker record alive from a thread of its own, so a worker whose main event loop is
 * busy (a long synchronous step, a loaded host) is not taken for dead: the record's expiry can
 * then be short (a few seconds), which is how fast the controller notices a worker that died
 * and hands its jobs to another. The main thread still rewrites the record's content every
 * heartbeat; its ticks tell the thread that the event loop is alive at all.
 */
export class RecordKeepAlive {
  private readonly tick = new SharedArrayBuffer(8);
  private readonly ticks = new BigInt64Array(this.tick);
  private thread: Worker | null = null;
  private tickTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: RecordKeepAliveOptions) {}

  start(): void {
    const { connection, key, indexKey, member, ttlMs, intervalMs, stallLimitMs, logger } = this.options;
    this.markAlive();
    this.tickTimer = setInterval(() => this.markAlive(), Math.min(1000, intervalMs));
    this.tickTimer.unref();
    const ioredisPath = createRequire(import.meta.url).resolve('ioredis');
    const thread = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { ioredisPath, connection, key, indexKey, member, ttlMs, intervalMs, stallLimitMs, mainTick: this.tick },
      // The thread needs no loader: it must not inherit tsx's --import.
      execArgv: [],
    });
    thread.unref();
    thread.on('message', (message: { error?: string; stalledMs?: number }) => {
      if (message.stalledMs !== undefined) logger.error({ stalledMs: message.stalledMs }, 'the event loop is stuck: no longer keeping the worker record alive');
      else logger.warn({ err: message.error }, 'keep-alive beat failed');
    });
    thread.on('error', (error) => logger.error({ err: error }, 'keep-alive thread failed'));
    this.thread = thread;
  }

  /** The record's latest content (JSON), what the thread writes back should the record vanish. */
  remember(recordJson: string): void {
    this.thread?.postMessage({ record: recordJson });
  }

  async stop(): Promise<void> {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    const thread = this.thread;
    this.thread = null;
    await thread?.terminate();
  }

  private markAlive(): void {
    Atomics.store(this.ticks, 0, BigInt(Date.now()));
  }
}
