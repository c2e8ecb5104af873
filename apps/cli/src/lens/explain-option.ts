import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GenerationResult } from '@mgm/engine';
import { CliUsageError } from '../cli-io.ts';
import { lensFigure } from './lens-figure.ts';

export const explainOptions = { explain: { type: 'string' } } as const;

export const EXPLAIN_HELP = `  --explain FILE.png  also write what the model saw: its LR input(s) upscaled without smoothing, the HR
         input and HD crops/global view where the checkpoint has them, and a heat map of where patch info
         mining looked (needs --image)`;

/** The --explain file, checked before the model loads: a .png path, and an image to explain. */
export function explainTarget(value: unknown, hasImage: boolean): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || !/\.png$/iu.test(value)) throw new CliUsageError('--explain takes the path of the PNG to write, e.g. --explain lens.png');
  if (!hasImage) throw new CliUsageError('--explain shows what the model saw of an image: give one with --image FILE');
  return path.resolve(value);
}

/** Writes the lens picture of a result; returns the line a person reads. */
export async function writeExplanation(file: string, result: GenerationResult, lines: string[]): Promise<string> {
  if (!result.lens) throw new Error('the engine returned no lens for an image question asked with explain');
  await writeFile(file, await lensFigure(result.lens, lines));
  const what = result.lens.attention ? 'LR, HR and mining heat' : result.lens.architecture === 'llava' ? 'LR input only (no HR branch)' : 'LR and HR (no mining attention in this export)';
  return `lens: ${file} (${what})`;
}
