import { MgmError } from '@mgm/protocol';

export interface GpuLaunchOptions {
  /** GPU indices, e.g. [0, 1, 2, 3]. */
  gpus: number[];
  /** Checkpoint folder or zoo name, passed to each worker as --model. */
  model: string;
  /** Further worker flags, passed through as they are (--dtype q4, --max-batch 16, ...). */
  workerArgs: string[];
}

export interface PlannedWorker {
  gpu: number;
  device: string;
  args: string[];
}

/** Parses `--gpus 0,1,2,3` (also `0-3`, and mixes such as `0,2-3`). */
export function parseGpuList(text: string): number[] {
  const gpus: number[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from > to) throw new MgmError('BAD_REQUEST', `--gpus: range ${part} runs backwards`);
      for (let g = from; g <= to; g++) gpus.push(g);
    } else if (/^\d+$/.test(part)) {
      gpus.push(Number(part));
    } else {
      throw new MgmError('BAD_REQUEST', `--gpus takes GPU indices such as 0,1,2,3 or 0-3; got "${text}"`);
    }
  }
  const dupes = gpus.filter((g, i) => gpus.indexOf(g) !== i);
  if (dupes.length > 0) throw new MgmError('BAD_REQUEST', `--gpus lists GPU ${dupes[0]} twice: one worker per GPU`);
  if (gpus.length === 0) throw new MgmError('BAD_REQUEST', '--gpus is empty');
  return gpus;
}

const OWNED_FLAGS = ['--device', '--model', '--id'];

/** One worker per GPU, each pinned with --device cuda:N. */
export function planGpuWorkers(opts: GpuLaunchOptions): PlannedWorker[] {
  const clash = opts.workerArgs.find((a) => OWNED_FLAGS.includes(a.split('=')[0] as string));
  if (clash) throw new MgmError('BAD_REQUEST', `${clash.split('=')[0]} is set by the launcher for each GPU; leave it out`);
  return opts.gpus.map((gpu) => ({
    gpu,
    device: `cuda:${gpu}`,
    args: ['--model', opts.model, '--device', `cuda:${gpu}`, ...opts.workerArgs],
  }));
}
