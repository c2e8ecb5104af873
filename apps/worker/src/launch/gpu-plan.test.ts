import { describe, expect, it } from 'vitest';
import { parseLaunchArgs } from './launch-args.ts';
import { parseGpuList, planGpuWorkers } from './gpu-plan.ts';

describe('GPU plan', () => {
  it('parses lists and ranges', () => {
    expect(parseGpuList('0,1,2,3')).toEqual([0, 1, 2, 3]);
    expect(parseGpuList('0-3')).toEqual([0, 1, 2, 3]);
    expect(parseGpuList('1, 4-5')).toEqual([1, 4, 5]);
  });

  it.each([
    ['0,a', /GPU indices/],
    ['3-1', /backwards/],
    ['0,1,0', /GPU 0 twice/],
    ['', /GPU indices/],
  ])('rejects %j', (text, message) => {
    expect(() => parseGpuList(text)).toThrow(message);
  });

  it('pins one worker per GPU and hands the other flags to each', () => {
    const plan = planGpuWorkers({ gpus: [0, 2], model: 'MGM-7B-HD', workerArgs: ['--load-4bit', '--concurrency', '2'] });
    expect(plan).toEqual([
      { gpu: 0, device: 'cuda:0', args: ['--model', 'MGM-7B-HD', '--device', 'cuda:0', '--load-4bit', '--concurrency', '2'] },
      { gpu: 2, device: 'cuda:2', args: ['--model', 'MGM-7B-HD', '--device', 'cuda:2', '--load-4bit', '--concurrency', '2'] },
    ]);
  });

  it('refuses flags the launcher owns', () => {
    expect(() => planGpuWorkers({ gpus: [0], model: 'm', workerArgs: ['--device', 'cpu'] })).toThrow(/--device is set by the launcher/);
    expect(() => planGpuWorkers({ gpus: [0], model: 'm', workerArgs: ['--id=x'] })).toThrow(/--id is set by the launcher/);
  });

  it('reads the launcher command line', () => {
    const { workers, dryRun } = parseLaunchArgs(['--gpus=0-1', '--model', 'models/mgm-tiny', '--dtype', 'q8', '--dry-run']);
    expect(dryRun).toBe(true);
    expect(workers.map((w) => w.args)).toEqual([
      ['--model', 'models/mgm-tiny', '--device', 'cuda:0', '--dtype', 'q8'],
      ['--model', 'models/mgm-tiny', '--device', 'cuda:1', '--dtype', 'q8'],
    ]);
    expect(() => parseLaunchArgs(['--model', 'm'])).toThrow(/--gpus is required/);
    expect(() => parseLaunchArgs(['--gpus', '0'])).toThrow(/--model is required/);
    expect(() => parseLaunchArgs(['--gpus', '--model', 'm'])).toThrow(/--gpus needs a value/);
  });
});
