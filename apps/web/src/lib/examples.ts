import { z } from 'zod';
import rawExamples from './examples.json' with { type: 'json' };

/** Built-in examples: images of the held-out test set with one of their questions (scripts/sync-examples.ts). */
export const exampleSchema = z.object({
  id: z.string(),
  image: z.string().startsWith('/examples/'),
  question: z.string().min(1),
  kind: z.string(),
});
export type Example = z.infer<typeof exampleSchema>;

export const examples: readonly Example[] = z.array(exampleSchema).parse(rawExamples);
