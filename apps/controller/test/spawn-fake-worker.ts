import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fakeWorkerProcessPath, REDIS_URL } from '@mgm/worker/testing';

export interface SpawnedWorker {
  child: ChildProcess;
  exited: Promise<number | null>;
  kill: (signal: NodeJS.Signals) => void;
}

/** Runs the fake worker as its own process (so it can be SIGKILLed) and waits until it takes jobs. */
export async function spawnFakeWorker(env: Record<string, string>): Promise<SpawnedWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', fakeWorkerProcessPath], {
    env: { ...process.env, REDIS_URL, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fake worker did not start: ${stderr}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => reject(new Error(`fake worker exited with ${code}: ${stderr}`)));
  });
  return { child, exited, kill: (signal) => child.kill(signal) };
}
