import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const evalDir = path.join(repoRoot, 'models/eval');

const testRowSchema = z.object({
  id: z.string(),
  image: z.string(),
  question: z.string(),
  answer: z.string(),
  type: z.string(),
  history: z.array(z.object({ question: z.string(), answer: z.string() })),
});
export type TestRow = z.infer<typeof testRowSchema>;

/** models/eval/test.jsonl: the held-out questions with their expected answers. */
export function readTestSet(): TestRow[] {
  return readFileSync(path.join(evalDir, 'test.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => testRowSchema.parse(JSON.parse(line)));
}

export function testImagePath(row: TestRow): string {
  return path.join(evalDir, row.image);
}

/** Lower case, single spaces, no trailing punctuation: how an answer is compared with the expected one. */
export function normalizeAnswer(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').replace(/[.!?,;:]+$/g, '').trim();
}
