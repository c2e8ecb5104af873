import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const MODELS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models');
export const EVAL = path.join(MODELS, 'eval');
export const REFERENCE = path.join(EVAL, 'greedy-reference.jsonl');

const messageSchema = z.object({ role: z.enum(['user', 'assistant']), content: z.string() });
const recordSchema = z
  .object({
    model: z.string(),
    image: z.string(),
    messages: z.array(messageSchema).optional(),
    question: z.string().optional(),
    history: z.array(z.object({ question: z.string(), answer: z.string() })).optional(),
    prompt_ids: z.array(z.number().int()).optional(),
    output_ids: z.array(z.number().int()).min(1),
    output_text: z.string().optional(),
  })
  .loose();
export type ReferenceRecord = z.infer<typeof recordSchema>;

/** The conversation of a record: `messages`, or tools/mgm-tiny's history + question. */
export function conversation(r: ReferenceRecord): { role: 'user' | 'assistant'; content: string }[] {
  if (r.messages) return r.messages;
  const out: { role: 'user' | 'assistant'; content: string }[] = [];
  for (const h of r.history ?? []) out.push({ role: 'user', content: h.question }, { role: 'assistant', content: h.answer });
  if (r.question === undefined) throw new Error('reference record has neither messages nor question');
  out.push({ role: 'user', content: r.question });
  return out;
}

/** models/eval/greedy-reference.jsonl (PyTorch's greedy answers); empty when the file is absent. */
export function readReferenceRecords(): ReferenceRecord[] {
  if (!existsSync(REFERENCE)) return [];
  return readFileSync(REFERENCE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => recordSchema.parse(JSON.parse(l)));
}
