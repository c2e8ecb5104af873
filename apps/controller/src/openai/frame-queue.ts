import type { StreamFrame } from '@mgm/protocol';

/** Frames of one job as an async iterable: pushed by the relay, read by one consumer, closed on a terminal frame or by `close`. */
export class FrameQueue implements AsyncIterable<StreamFrame> {
  private readonly frames: StreamFrame[] = [];
  private wake: (() => void) | null = null;
  private closed = false;

  push(frame: StreamFrame): void {
    if (this.closed) return;
    this.frames.push(frame);
    if (frame.type === 'end' || frame.type === 'error') this.closed = true;
    this.notify();
  }

  /** Ends the iteration after the frames already queued (the client went away). */
  close(): void {
    this.closed = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<StreamFrame> {
    for (;;) {
      const frame = this.frames.shift();
      if (frame !== undefined) {
        yield frame;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
