import type { Logger } from 'pino';

/**
 * Runs `sweep` every `intervalMs`, never two at once (a slow sweep makes the next ticks skip, not
 * pile up), logging a failed sweep instead of throwing. The timer does not keep the process alive;
 * `close` stops it and waits for a sweep in progress.
 */
export class PeriodicSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly sweep: () => Promise<unknown>,
    private readonly options: { intervalMs: number; logger: Logger; what: string },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then(() => undefined)
        .catch((error: unknown) => this.options.logger.warn({ err: error }, `${this.options.what} failed`))
        .finally(() => {
          this.running = null;
        });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
