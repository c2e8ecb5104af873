import type { ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import type { PlannedWorker } from './gpu-plan.ts';

export type SpawnWorker = (worker: PlannedWorker) => ChildProcess;

export interface WorkerExit {
  gpu: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs one worker process per planned GPU and supervises them: SIGTERM / SIGINT go to every
 * worker (each drains and hands its jobs back), and `done` resolves when all have exited.
 * A worker that dies is reported, not restarted: its GPU is likely the problem.
 */
export class GpuLauncher {
  private readonly children = new Map<number, ChildProcess>();
  private stopping = false;
  readonly done: Promise<WorkerExit[]>;

  constructor(
    workers: PlannedWorker[],
    spawnWorker: SpawnWorker,
    private readonly logger: Logger,
  ) {
    const exits = workers.map(
      (w) =>
        new Promise<WorkerExit>((resolve) => {
          const child = spawnWorker(w);
          this.children.set(w.gpu, child);
          this.logger.info({ gpu: w.gpu, device: w.device, pid: child.pid }, 'worker started');
          const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
            this.children.delete(w.gpu);
            const level = this.stopping || code === 0 ? 'info' : 'error';
            this.logger[level]({ gpu: w.gpu, code, signal }, 'worker exited');
            resolve({ gpu: w.gpu, code, signal });
          };
          child.once('exit', finish);
          child.once('error', (err) => {
            this.logger.error({ gpu: w.gpu, err }, 'worker could not start');
            child.removeAllListeners('exit');
            finish(null, null);
          });
        }),
    );
    this.done = Promise.all(exits);
  }

  /** Asks every running worker to stop (SIGTERM: drain, hand jobs back, exit). */
  stop(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.stopping = true;
    for (const [gpu, child] of this.children) {
      this.logger.info({ gpu, pid: child.pid, signal }, 'stopping worker');
      child.kill(signal);
    }
  }

  get running(): number {
    return this.children.size;
  }
}
