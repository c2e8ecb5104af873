import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Python PIL + numpy reference (reference/preprocess_ref.py) and how to call it. */
export const referenceScript = fileURLToPath(new URL('../reference/preprocess_ref.py', import.meta.url));
export const python = process.env.MGM_PYTHON ?? '/usr/bin/python3';

/** Null when `python` can import PIL and numpy, else why not. */
export function referenceUnavailable(): string | null {
  const probe = spawnSync(python, ['-c', 'import PIL, numpy'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.error) return `${python} cannot run (${probe.error.message})`;
  if (probe.status !== 0) return `${python} lacks PIL/numpy (${probe.stderr.trim().split('\n').pop() ?? ''})`;
  return null;
}

export type ReferenceJob =
  | { cmd: 'preprocess'; image: string; spec: string; mode: string; out: string }
  | { cmd: 'resize'; image: string; width: number; height: number; out: string; filter: string }
  | { cmd: 'downscale'; image: string; out: string }
  | { cmd: 'decode'; image: string; out: string };

/** Runs jobs in one Python process; returns each job's JSON result. */
export function runReference(jobsPath: string, jobs: ReferenceJob[], write: (path: string, text: string) => void): unknown[] {
  write(jobsPath, JSON.stringify(jobs));
  const r = spawnSync(python, [referenceScript, 'batch', '--jobs', jobsPath], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`reference failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown[];
}

export const readF32 = (path: string): Float32Array => {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
export const readU8 = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

export interface Diff {
  max: number;
  mean: number;
  n: number;
}

export function diff(a: ArrayLike<number>, b: ArrayLike<number>): Diff {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: a.length ? sum / a.length : 0, n: a.length };
}
