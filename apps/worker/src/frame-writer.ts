import type { Redis } from 'ioredis';
import { APPEND_FRAME_LUA, FRAME_STREAM_MAX_LENGTH, encodeFrame, type UnsequencedFrame } from '@mgm/protocol';

/**
 * Appends one job's frames to its Redis Stream. `push` does not wait for Redis (one connection
 * keeps the order), so the generation loop never stalls on a round trip; `flush` waits for all.
 */
export class FrameWriter {
  private pending: Promise<unknown> = Promise.resolve();
  private failure: unknown = null;
  /** False once the stream holds a terminal frame (someone else ended the job). */
  open = true;

  constructor(
    private readonly redis: Redis,
    private readonly streamKey: string,
    private readonly ttlSeconds: number,
  ) {}

  push(frame: UnsequencedFrame): void {
    const append = this.append(frame).catch((error: unknown) => {
      this.failure ??= error;
    });
    this.pending = append;
  }

  /** Appends and waits; returns the seq, or -1 when the stream had already ended. */
  async append(frame: UnsequencedFrame): Promise<number> {
    const [type, body] = encodeFrame(frame);
    const seq = Number(
      await this.redis.eval(APPEND_FRAME_LUA, 1, this.streamKey, type, body, FRAME_STREAM_MAX_LENGTH, this.ttlSeconds),
    );
    if (seq < 0) this.open = false;
    return seq;
  }

  async flush(): Promise<void> {
    await this.pending;
    if (this.failure) throw this.failure;
  }
}

/** Whether a stream entry's fields (flat list) hold a terminal frame. */
export function isTerminalEntry(fields: string[] | undefined): boolean {
  if (!fields) return false;
  const type = fields[fields.indexOf('t') + 1];
  return fields.includes('t') && (type === 'end' || type === 'error');
}
