import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { decodeFrameEntry, isTerminalFrame, seqFromStreamId, streamIdAfterSeq, type JobMeta, type RedisKeys, type StreamFrame } from '@mgm/protocol';

type XReadResult = [stream: string, entries: [id: string, fields: string[]][]][] | null;

export interface FrameSubscription {
  readonly meta: JobMeta;
  /** Last seq delivered to this subscriber. */
  cursor: number;
  readonly deliver: (frame: StreamFrame) => void;
}

/**
 * Relays job streams to subscribers over ONE blocking connection: a loop of XREAD BLOCK over
 * every subscribed stream. Adding a subscription interrupts the pending XREAD (CLIENT UNBLOCK)
 * so a new job is read at once. Each subscriber has its own cursor, so a resumed client gets
 * exactly the frames after the seq it saw, in order, once.
 */
export class FrameRelay {
  private readonly subscriptions = new Map<string, Set<FrameSubscription>>();
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private blocking = false;
  private clientId: number | null = null;
  private wakeIdle: (() => void) | null = null;
  private round = 0;

  constructor(
    /** Dedicated to this relay: it spends its life blocked in XREAD. */
    private readonly blockingRedis: Redis,
    /** Any command connection, to send CLIENT UNBLOCK. */
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
    private readonly blockMs = 5000,
  ) {}

  async start(): Promise<void> {
    this.clientId = Number(await this.blockingRedis.client('ID'));
    this.blockingRedis.on('ready', () => {
      // A reconnect gives the connection a new id.
      void this.blockingRedis.client('ID').then((id) => {
        this.clientId = Number(id);
      });
    });
    this.running = true;
    this.loopDone = this.loop();
  }

  async close(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loopDone;
  }

  /** Delivers the job's frames after `afterSeq` and then live ones, until its terminal frame. */
  subscribe(meta: JobMeta, afterSeq: number, deliver: (frame: StreamFrame) => void): FrameSubscription {
    const subscription: FrameSubscription = { meta, cursor: afterSeq, deliver };
    const set = this.subscriptions.get(meta.jobId) ?? new Set();
    set.add(subscription);
    this.subscriptions.set(meta.jobId, set);
    this.wake();
    return subscription;
  }

  unsubscribe(subscription: FrameSubscription): void {
    const set = this.subscriptions.get(subscription.meta.jobId);
    if (!set) return;
    set.delete(subscription);
    if (set.size === 0) this.subscriptions.delete(subscription.meta.jobId);
  }

  /** Jobs someone is waiting on (no terminal frame delivered yet). */
  openJobs(): JobMeta[] {
    return [...this.subscriptions.values()].map((set) => [...set][0]!.meta);
  }

  /**
   * Followed jobs whose records Redis lost (restarted without persistence, flushed, failed over
   * to an empty replica): the job's meta is gone, or its stream ends before a frame a subscriber
   * already got. Their frames can never arrive; see `endLost`.
   */
  async lostJobs(): Promise<JobMeta[]> {
    // The cursors as they are now, before the reads: the relay may deliver more while they run.
    const jobs = [...this.subscriptions.entries()].map(([jobId, set]) => [jobId, set, Math.max(...[...set].map((s) => s.cursor))] as const);
    if (jobs.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const [jobId] of jobs) {
      pipeline.exists(this.keys.jobMeta(jobId));
      pipeline.xrevrange(this.keys.jobStream(jobId), '+', '-', 'COUNT', 1);
    }
    const replies = (await pipeline.exec()) ?? [];
    const lost: JobMeta[] = [];
    jobs.forEach(([, set, seen], i) => {
      const [metaError, metaExists] = replies[i * 2] ?? [null, 1];
      const [streamError, last] = replies[i * 2 + 1] ?? [null, []];
      if (metaError || streamError) return;
      const lastEntry = (last as [string, string[]][])[0];
      const lastSeq = lastEntry ? seqFromStreamId(lastEntry[0]) : -1;
      if (metaExists === 0 || lastSeq < seen) lost.push([...set][0]!.meta);
    });
    return lost;
  }

  /**
   * Ends a lost job for its subscribers: each gets a STREAM_LOST error frame right after the last
   * seq it saw (so its stream has no gap), and the job is no longer followed.
   */
  endLost(jobId: string): number {
    const set = this.subscriptions.get(jobId);
    if (!set) return 0;
    for (const subscription of [...set]) {
      const frame: StreamFrame = {
        type: 'error',
        jobId,
        seq: subscription.cursor + 1,
        code: 'STREAM_LOST',
        message: 'this answer was lost (the server restarted its store): please ask again',
      };
      subscription.cursor = frame.seq;
      try {
        subscription.deliver(frame);
      } catch (error) {
        this.logger.error({ err: error, jobId }, 'frame delivery failed');
      }
      this.unsubscribe(subscription);
    }
    return set.size;
  }

  get subscriptionCount(): number {
    let n = 0;
    for (const set of this.subscriptions.values()) n += set.size;
    return n;
  }

  private wake(): void {
    const idle = this.wakeIdle;
    this.wakeIdle = null;
    idle?.();
    if (this.blocking) void this.unblock(this.round);
  }

  /** Unblocks the pending XREAD; retried while the XREAD has not reached Redis yet. */
  private async unblock(round: number): Promise<void> {
    for (let attempt = 0; attempt < 200 && this.blocking && this.round === round; attempt += 1) {
      if (this.clientId === null) return;
      const unblocked = Number(await this.redis.client('UNBLOCK', this.clientId).catch(() => 0));
      if (unblocked === 1) return;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (this.subscriptions.size === 0) {
        await new Promise<void>((resolve) => {
          this.wakeIdle = resolve;
        });
        continue;
      }
      const streams: string[] = [];
      const ids: string[] = [];
      const jobByStream = new Map<string, string>();
      for (const [jobId, set] of this.subscriptions) {
        let min = Infinity;
        for (const s of set) min = Math.min(min, s.cursor);
        const streamKey = this.keys.jobStream(jobId);
        jobByStream.set(streamKey, jobId);
        streams.push(streamKey);
        ids.push(streamIdAfterSeq(min));
      }
      this.round += 1;
      this.blocking = true;
      let result: XReadResult = null;
      try {
        result = (await this.blockingRedis.xread('COUNT', 500, 'BLOCK', this.blockMs, 'STREAMS', ...streams, ...ids)) as XReadResult;
      } catch (error) {
        if (!this.running) break;
        this.logger.warn({ err: error }, 'frame relay read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      } finally {
        this.blocking = false;
      }
      for (const [streamKey, entries] of result ?? []) {
        const jobId = jobByStream.get(streamKey);
        if (jobId !== undefined) this.dispatch(jobId, entries);
      }
    }
  }

  private dispatch(jobId: string, entries: [string, string[]][]): void {
    const set = this.subscriptions.get(jobId);
    if (!set) return;
    for (const [id, fields] of entries) {
      let frame: StreamFrame;
      try {
        frame = decodeFrameEntry(jobId, id, fields);
      } catch (error) {
        this.logger.error({ err: error, jobId, id }, 'skipping an invalid frame');
        continue;
      }
      for (const subscription of [...set]) {
        if (frame.seq <= subscription.cursor) continue;
        subscription.cursor = frame.seq;
        try {
          subscription.deliver(frame);
        } catch (error) {
          this.logger.error({ err: error, jobId }, 'frame delivery failed');
        }
        if (isTerminalFrame(frame)) this.unsubscribe(subscription);
      }
    }
  }
}
