import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { REDIS_URL, waitFor } from '@mgm/worker/testing';
import type { TestController } from './test-controller.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const workerMain = fileURLToPath(new URL('../../worker/src/main.ts', import.meta.url));

export interface RealWorker {
  /** The worker process (for signals: SIGSTOP, SIGKILL...). */
  child: ChildProcess;
  /** SIGTERM and wait for the exit (nothing to do when it already exited). */
  stop: () => Promise<void>;
}

/** Runs the real worker (apps/worker) on a checkpoint under `prefix` and waits until the controller sees it ready. */
export async function startRealWorker(ctl: TestController, opts: { checkpoint: string; id: string; prefix: string; env?: Record<string, string> }): Promise<RealWorker> {
  const worker = spawn(process.execPath, ['--import', 'tsx', workerMain, '--model', opts.checkpoint, '--device', 'cpu', '--id', opts.id], {
    cwd: repoRoot,
    env: { ...process.env, REDIS_URL, REDIS_PREFIX: opts.prefix, LOG_LEVEL: 'warn', ...opts.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(worker, 'exit');
  await waitFor(async () => (await ctl.controller.registry.list()).find((w) => w.id === opts.id && w.state === 'ready'), `worker ${opts.id} to load`, 60_000);
  return {
    child: worker,
    stop: async () => {
      if (worker.exitCode !== null || worker.signalCode !== null) return;
      worker.kill('SIGCONT');
      worker.kill('SIGTERM');
      await exited;
    },
  };
}
