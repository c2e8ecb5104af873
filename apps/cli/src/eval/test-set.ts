import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseTestSetJsonl, TestSetParseError, type EvalRecord } from '@mgm/evaluation';
import { CliUsageError } from '../cli-io.ts';

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
  try {
    return { root: path.dirname(file), file, records: parseTestSetJsonl(raw) };
  } catch (error) {
    if (error instanceof TestSetParseError) {
      throw new CliUsageError(error.line === null ? `${file}: ${error.reason}` : `${file}:${error.line}: ${error.reason}`);
    }
    throw error;
  }
}
