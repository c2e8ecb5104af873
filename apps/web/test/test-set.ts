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

const greedyReferenceSchema = z.object({
  model: z.string(),
  id: z.string(),
  type: z.string(),
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.string() })),
  output_text: z.string(),
});
export type GreedyReference = z.infer<typeof greedyReferenceSchema>;

/** models/eval/greedy-reference.jsonl: PyTorch's greedy answers of each shipped checkpoint. */
export function readGreedyReference(): GreedyReference[] {
  return readFileSync(path.join(evalDir, 'greedy-reference.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => greedyReferenceSchema.parse(JSON.parse(line)));
}

/**
 * A single-turn test-set question that `model` answers right under greedy decoding (per the
 * greedy reference), text reading first: the serving path must then stream exactly that answer.
 */
export function pickAnsweredRow(model: string, preferredTypes: readonly string[] = ['text', 'count', 'shape', 'colour', 'position']): TestRow {
  const rows = new Map(readTestSet().map((row) => [row.id, row]));
  const answered = readGreedyReference().filter((reference) => {
    const row = rows.get(reference.id);
    return (
      reference.model === model &&
      reference.messages.length === 1 &&
      row !== undefined &&
      row.history.length === 0 &&
      normalizeAnswer(reference.output_text) === normalizeAnswer(row.answer)
    );
  });
  const rank = (type: string) => (preferredTypes.includes(type) ? preferredTypes.indexOf(type) : preferredTypes.length);
  const best = answered.sort((a, b) => rank(a.type) - rank(b.type))[0];
  if (!best) {
    throw new Error(`models/eval/greedy-reference.jsonl has no single-turn question that ${model} answers right: the checkpoint is not the trained one`);
  }
  return rows.get(best.id)!;
}

/** The first of `models` that answers a single-turn test question right, with that question. */
export function pickModelAndRow(models: readonly string[]): { model: string; row: TestRow } {
  const failures: string[] = [];
  for (const model of models) {
    try {
      return { model, row: pickAnsweredRow(model) };
    } catch (error) {
      failures.push(String(error));
    }
  }
  throw new Error(failures.join('\n'));
}
