import { spawn } from 'node:child_process';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { GpuLauncher } from './gpu-launcher.ts';
import { planGpuWorkers } from './gpu-plan.ts';

// A stand-in worker process: prints its arguments, then waits for SIGTERM and exits 0
// (or exits 3 at once when its device is cuda:1, like a worker whose GPU is missing).
const FAKE_WORKER = `
const args = process.argv.slice(1).filter((a) => a !== '--');
process.stdout.write(JSON.stringify(args) + '\\n');
if (args.includes('cuda:1')) process.exit(3);
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {}, 1000);
`;

describe('GpuLauncher', () => {
  it('starts one process per GPU, stops them all on stop(), and reports each exit', async () => {
    const seen: string[][] = [];
    const launcher = new GpuLauncher(
      planGpuWorkers({ gpus: [0, 1, 2], model: 'models/mgm-tiny', workerArgs: ['--dtype', 'q4'] }),
      (w) => {
        const child = spawn(process.execPath, ['-e', FAKE_WORKER, '--', ...w.args], { stdio: ['ignore', 'pipe', 'inherit'] });
        child.stdout?.on('data', (d: Buffer) => seen.push(JSON.parse(d.toString())));
        return child;
      },
      pino({ level: 'silent' }),
    );
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (seen.length === 3 && launcher.running === 2) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    expect(seen.map((a) => a[a.indexOf('--device') + 1]).sort()).toEqual(['cuda:0', 'cuda:1', 'cuda:2']);
    expect(seen.every((a) => a.includes('--dtype') && a.includes('q4'))).toBe(true);
    launcher.stop();
    const exits = await launcher.done;
    expect(exits).toEqual([
      { gpu: 0, code: 0, signal: null },
      { gpu: 1, code: 3, signal: null },
      { gpu: 2, code: 0, signal: null },
    ]);
    expect(launcher.running).toBe(0);
  });

  it('reports a worker that cannot be spawned at all', async () => {
    const launcher = new GpuLauncher(
      planGpuWorkers({ gpus: [0], model: 'm', workerArgs: [] }),
      () => spawn('/no/such/binary', []),
      pino({ level: 'silent' }),
    );
    expect(await launcher.done).toEqual([{ gpu: 0, code: null, signal: null }]);
  });
});
