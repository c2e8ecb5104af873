import { modelEvaluationSchema, type ModelEvaluation } from '@mgm/protocol';
import { z } from 'zod';

/** A manifest's `eval` block as tools/mgm-tiny writes it: `by_type` maps a type to `{n, accuracy}` or `{n, f1}`. */
const manifestEvalSchema = z.object({
  n: z.number().int().nonnegative(),
  overall: z.number().min(0).max(1),
  by_type: z.record(
    z.string().min(1),
    z.union([
      z.object({ n: z.number().int().nonnegative(), accuracy: z.number().min(0).max(1) }),
      z.object({ n: z.number().int().nonnegative(), f1: z.number().min(0).max(1) }),
    ]),
  ),
});

/**
 * The measured evaluation a worker publishes for its checkpoint, read from the manifest's `eval`
 * block; null when the manifest has none or one of another shape (the model still serves).
 */
export function evaluationFromManifest(raw: unknown): ModelEvaluation | null {
  const parsed = manifestEvalSchema.safeParse(raw);
  if (!parsed.success) return null;
  const byType = Object.entries(parsed.data.by_type)
    .map(([type, score]) =>
      'accuracy' in score
        ? { type, n: score.n, metric: 'accuracy' as const, value: score.accuracy }
        : { type, n: score.n, metric: 'f1' as const, value: score.f1 },
    )
    .sort((a, b) => a.type.localeCompare(b.type));
  return modelEvaluationSchema.parse({ n: parsed.data.n, overall: parsed.data.overall, byType });
}
