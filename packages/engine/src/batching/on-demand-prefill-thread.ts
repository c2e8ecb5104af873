import type { Logger } from 'pino';
import type { PrefillExecutor } from './prefill-executor.ts';

/**
 * Starts the prefill thread the first time it is wanted, not when the model loads: the thread is a
 * second V8 isolate with a second copy of the graphs (≈ 47 MB of a compiled mgm-tiny worker's
 * 180 MB), and a worker that only ever answers one question at a time never uses it. Until the
 * thread is ready, and for good if it cannot start, current() is null and the caller prefills
 * on the model's thread (bit-identical results either way).
 */
export class OnDemandPrefillThread {
  private thread: PrefillExecutor | null = null;
  private starting: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly start: () => Promise<PrefillExecutor>,
    private readonly logger: Logger,
  ) {}

  /** The running thread, or null while it starts (the first call starts it) or after it failed to. */
  current(): PrefillExecutor | null {
    if (this.thread || this.starting || this.closed) return this.thread;
    const t0 = performance.now();
    this.starting = this.start().then(
      async (thread) => {
        if (this.closed) {
          await thread.close();
          return;
        }
        this.thread = thread;
        this.logger.info({ startMs: Math.round(performance.now() - t0) }, 'prefill thread started: new questions prefill beside the decode steps');
      },
      (err: unknown) => {
        this.logger.warn({ err }, 'the prefill thread could not start: new questions prefill on the model thread, in turn with the steps');
      },
    );
    return null;
  }

  /** Whether the thread has started (and not failed to). */
  get started(): boolean {
    return this.thread !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting;
    await this.thread?.close();
  }
}
