import { z } from 'zod';

/** One test question, as `models/eval/test.jsonl` has it (tools/mgm-tiny writes them). */
export const evalRecordSchema = z.object({
  id: z.string().min(1),
  /** Image path relative to the folder of the JSONL file. */
  image: z.string().min(1),
  question: z.string().min(1),
  answer: z.string(),
  type: z.string().min(1),
  /** Earlier turns about the same image (multi-turn samples). */
  history: z.array(z.object({ question: z.string(), answer: z.string() })).default([]),
});
export type EvalRecord = z.infer<typeof evalRecordSchema>;

/** A JSONL line that is not a valid question: `line` is 1-based. */
export class TestSetParseError extends Error {
  constructor(
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(line === null ? reason : `line ${line}: ${reason}`);
    this.name = 'TestSetParseError';
  }
}

/**
 * Parses a test set's JSONL text: every non-blank line is one question, validated. Throws a
 * TestSetParseError naming the first bad line; an empty set or a repeated id is refused too.
 */
export function parseTestSetJsonl(text: string): EvalRecord[] {
  const records: EvalRecord[] = [];
  const ids = new Map<string, number>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new TestSetParseError(i + 1, 'not JSON');
    }
    const r = evalRecordSchema.safeParse(json);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new TestSetParseError(i + 1, `${issue?.path.join('.') || '(record)'}: ${issue?.message ?? 'invalid'}`);
    }
    const seen = ids.get(r.data.id);
    if (seen !== undefined) throw new TestSetParseError(i + 1, `id "${r.data.id}" is already used on line ${seen}`);
    ids.set(r.data.id, i + 1);
    records.push(r.data);
  });
  if (records.length === 0) throw new TestSetParseError(null, 'the test set has no questions');
  return records;
}

/** The conversation of a question: its history turns, then the question (what `mgm eval` sends). */
export function recordMessages(record: EvalRecord): Array<{ role: 'user' | 'assistant'; content: string }> {
  const messages: Array<{ role: 'user' | 'assistant'; content: string }> = [];
  for (const h of record.history) messages.push({ role: 'user', content: h.question }, { role: 'assistant', content: h.answer });
  messages.push({ role: 'user', content: record.question });
  return messages;
}
