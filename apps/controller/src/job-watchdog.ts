import type { Logger } from 'pino';
import type { FrameRelay } from './frame-relay.ts';
import { failureFrame, type JobDispatcher } from './job-dispatcher.ts';
import type { WorkerRegistry } from './worker-registry.ts';

/**
 * Makes sure nobody waits forever: for every job a client is waiting on, a job BullMQ marked
 * failed gets its error frame (if the event was missed), and a job whose model lost all its
 * workers (two checks in a row) is ended with NO_WORKER and taken off the queue.
 */
export class JobWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly orphanedSince = new Map<string, number>();

  constructor(
    private readonly relay: FrameRelay,
    private readonly dispatcher: JobDispatcher,
    private readonly registry: WorkerRegistry,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.check()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'watchdog check failed'))
        .finally(() => {
          this.running = null;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  async check(): Promise<void> {
    const open = this.relay.openJobs();
    if (open.length === 0) {
      this.orphanedSince.clear();
      return;
    }
    // First the jobs whose records Redis lost: nothing else would ever end them for their clients.
    const lost = new Set<string>();
    for (const meta of await this.relay.lostJobs()) {
      lost.add(meta.jobId);
      this.logger.warn({ jobId: meta.jobId, model: meta.model }, 'the job\'s records were lost by Redis; ending it with STREAM_LOST');
      this.relay.endLost(meta.jobId);
      // A worker still answering it stops at its next frame (its appends find the stream gone).
      await this.dispatcher.discard(meta).catch(() => undefined);
    }
    const served = new Set((await this.registry.list()).filter((w) => w.state !== 'draining').map((w) => w.model));
    const seen = new Set<string>();
    for (const meta of open) {
      if (lost.has(meta.jobId)) continue;
      seen.add(meta.jobId);
      const { state, failedReason } = await this.dispatcher.state(meta);
      if (state === 'failed') {
        await this.dispatcher.endWith(meta.jobId, failureFrame(failedReason ?? 'unknown failure'));
        continue;
      }
      if (state === 'unknown') {
        // Gone from BullMQ: it ended (its stream has the terminal frame, so this is a no-op) or was lost.
        await this.dispatcher.endWith(meta.jobId, { type: 'error', code: 'WORKER_FAILED', message: 'the job was lost by the queue; please try again' });
        continue;
      }
      if (served.has(meta.model) || state === 'completed') {
        this.orphanedSince.delete(meta.jobId);
        continue;
      }
      if (!this.orphanedSince.has(meta.jobId)) {
        this.orphanedSince.set(meta.jobId, Date.now());
        continue;
      }
      this.logger.warn({ jobId: meta.jobId, model: meta.model, state }, 'no worker left for the job; ending it');
      await this.dispatcher.endWith(meta.jobId, {
        type: 'error',
        code: 'NO_WORKER',
        message: `no worker serves ${meta.model} any more (it stopped or died); please try again when one is back`,
      });
      await this.dispatcher.discard(meta);
      this.orphanedSince.delete(meta.jobId);
    }
    for (const jobId of this.orphanedSince.keys()) if (!seen.has(jobId)) this.orphanedSince.delete(jobId);
  }
}
