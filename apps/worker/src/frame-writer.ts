import type { Redis } from 'ioredis';
import { APPEND_FRAMES_LUA, FRAME_STREAM_MAX_LENGTH, STREAM_LOST_SEQ, STREAM_REVOKED_SEQ, encodeFrames, type UnsequencedFrame } from '@mgm/protocol';
import { TickPipeline } from './tick-pipeline.ts';

export interface FrameWriterOptions {
  redis: Redis;
  streamKey: string;
  /** The job's cancel flag, checked with every append. */
  cancelKey: string;
  ttlSeconds: number;
  /** Called once when an append sees the cancel flag. */
  onCancelled: () => void;
  /**
   * Least time between two delta frames (0: one frame per token when Redis keeps up). Tokens of
   * the wait go out together in the next frame; the first delta and the final frames never wait.
   */
  deltaIntervalMs?: number;
  /**
   * The BullMQ lock of the job and this worker's token: frames are written only while the lock
   * holds the token, so a worker whose job was handed to another writes nothing more.
   */
  fence?: { lockKey: string; token: string };
  /** Shared by the writers of one connection, so that frames of the same tick leave in one write (default: the writer's own). */
  pipeline?: TickPipeline;
}

/**
 * Appends one job's frames to its Redis Stream, in order, with at most one append in flight:
 * deltas produced while an append is on its way are merged into the next delta frame, so the
 * generation loop never waits for Redis and a slow round trip costs frames, not tokens. Frames
 * that are ready at the same moment go in one append (one round trip, one wake-up of the relay):
 * the deltas still held when the answer ends go with its end frame. Each append also reads the
 * cancel flag (once per append, so at least once per round trip).
 */
export class FrameWriter {
  private readonly queue: UnsequencedFrame[] = [];
  private inFlight: Promise<void> | null = null;
  private failure: unknown = null;
  private cancelled = false;
  private lastDeltaSentAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private urgent = false;
  /** While `append` waits for the append in flight: what is queued then goes with its frame. */
  private holding = 0;
  /** False once the stream holds a terminal frame (someone else ended the job), or was lost. */
  open = true;
  /** True once an append found the stream gone after this writer had written to it (Redis lost its data). */
  lost = false;
  /** True once an append found the job's lock held by someone else (the job went to another worker). */
  revoked = false;
  /** Whether this writer appended before: then a missing stream is lost, never created again from seq 0. */
  private appended = false;

  private readonly pipeline: TickPipeline;

  constructor(private readonly options: FrameWriterOptions) {
    this.pipeline = options.pipeline ?? new TickPipeline(options.redis);
  }

  /** Queues a frame without waiting; a delta joins a delta still waiting to be sent. */
  push(frame: UnsequencedFrame): void {
    const last = this.queue.at(-1);
    if (frame.type === 'delta' && last?.type === 'delta') {
      last.text += frame.text;
      if (frame.logprobs) last.logprobs = [...(last.logprobs ?? []), ...frame.logprobs];
    } else this.queue.push(frame.type === 'delta' ? { ...frame, ...(frame.logprobs ? { logprobs: [...frame.logprobs] } : {}) } : frame);
    this.pump();
  }

  /**
   * Queues a frame to leave with whatever is pushed before the event loop turns (the first delta
   * of a model that already has it: one append for both, not two round trips one after the
   * other), or on its own at the next turn.
   */
  hold(frame: UnsequencedFrame): void {
    this.queue.push(frame);
    setImmediate(() => this.pump());
  }

  /**
   * Appends everything queued and then `frame`, in one round trip once the append in flight (if
   * any) is done, and waits; returns the seq of `frame`, or -1 when the stream had already ended.
   * Throws the first write error of an earlier frame.
   */
  async append(frame: UnsequencedFrame): Promise<number> {
    this.holding += 1;
    this.clearTimer();
    try {
      while (this.inFlight) await this.inFlight;
    } finally {
      this.holding -= 1;
    }
    if (this.failure) throw this.failure;
    const sending = this.send([...this.queue.splice(0), frame]);
    // Its caller gets its error; a later append may still be tried (an error frame after it).
    this.track(sending, false);
    return sending;
  }

  /** Waits until every queued frame is written; throws the first write error. */
  async flush(): Promise<void> {
    this.urgent = true;
    this.clearTimer();
    this.pump();
    while (this.inFlight) await this.inFlight;
    this.urgent = false;
    if (this.failure) throw this.failure;
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private pump(): void {
    if (this.inFlight || this.timer || this.holding > 0 || this.queue.length === 0) return;
    const hasDelta = this.queue.some((frame) => frame.type === 'delta');
    // A delta behind another frame (the start) is a first delta: it never waits.
    if (this.queue[0]!.type === 'delta' && !this.urgent) {
      const wait = this.lastDeltaSentAt + (this.options.deltaIntervalMs ?? 0) - performance.now();
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, wait);
        return;
      }
    }
    if (hasDelta) this.lastDeltaSentAt = performance.now();
    this.track(this.send(this.queue.splice(0)));
  }

  /** Makes `sending` the append in flight; the next one starts when it is done. */
  private track(sending: Promise<number>, keepFailure = true): void {
    this.inFlight = sending
      .then(
        () => undefined,
        (error: unknown) => {
          if (keepFailure) this.failure ??= error;
        },
      )
      .finally(() => {
        this.inFlight = null;
        this.pump();
      });
  }

  private async send(frames: UnsequencedFrame[]): Promise<number> {
    const { streamKey, cancelKey, ttlSeconds, fence } = this.options;
    const mustExist = this.appended ? '1' : '0';
    const args = [FRAME_STREAM_MAX_LENGTH, ttlSeconds, mustExist, fence?.token ?? '', ...encodeFrames(frames)];
    const [seq, cancelled] = (
      fence
        ? await this.pipeline.eval(APPEND_FRAMES_LUA, 3, streamKey, cancelKey, fence.lockKey, ...args)
        : await this.pipeline.eval(APPEND_FRAMES_LUA, 2, streamKey, cancelKey, ...args)
    ) as [number, number];
    if (seq >= 0) this.appended = true;
    if (seq < 0) this.open = false;
    if (seq === STREAM_LOST_SEQ) this.lost = true;
    if (seq === STREAM_REVOKED_SEQ) this.revoked = true;
    if (cancelled === 1 && !this.cancelled) {
      this.cancelled = true;
      this.options.onCancelled();
    }
    return seq;
  }
}

/** Whether a stream entry's fields (flat list) hold a terminal frame. */
export function isTerminalEntry(fields: string[] | undefined): boolean {
  if (!fields) return false;
  const type = fields[fields.indexOf('t') + 1];
  return fields.includes('t') && (type === 'end' || type === 'error');
}
