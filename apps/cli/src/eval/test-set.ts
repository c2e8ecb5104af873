import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CliUsageError } from '../cli-io.ts';

export const evalRecordSchema = z.object({
  id: z.string(),
  image: z.string().min(1),
  question: z.string().min(1),
  answer: z.string(),
  type: z.string().min(1),
  /** Earlier turns about the same image (multi-turn samples). */
  history: z.array(z.object({ question: z.string(), answer: z.string() })).default([]),
});
export type EvalRecord = z.infer<typeof evalRecordSchema>;

export interface TestSet {
  /** Folder the image paths are relative to. */
  root: string;
  file: string;
  records: EvalRecord[];
}

/** Reads `<set>/test.jsonl` (or a .jsonl file given directly); every line is validated. */
export async function readTestSet(setPath: string): Promise<TestSet> {
  const info = await stat(setPath).catch(() => null);
  if (!info) throw new CliUsageError(`--set: no test set at ${setPath}`);
  const file = info.isDirectory() ? path.join(setPath, 'test.jsonl') : setPath;
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    throw new CliUsageError(`--set: cannot read ${file}`);
  }
  const records: EvalRecord[] = [];
  raw.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new CliUsageError(`${file}:${i + 1}: not JSON`);
    }
    const r = evalRecordSchema.safeParse(json);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new CliUsageError(`${file}:${i + 1}: ${issue?.path.join('.')}: ${issue?.message}`);
    }
    records.push(r.data);
  });
  if (records.length === 0) throw new CliUsageError(`${file} has no records`);
  return { root: path.dirname(file), file, records };
}
