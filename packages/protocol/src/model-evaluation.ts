import { z } from 'zod';

/** One question type of a checkpoint's measured evaluation: exact-match accuracy or token F1, in [0, 1]. */
export const questionTypeScoreSchema = z.object({
  type: z.string().min(1),
  /** Questions of this type in the test set. */
  n: z.number().int().nonnegative(),
  metric: z.enum(['accuracy', 'f1']),
  value: z.number().min(0).max(1),
});
export type QuestionTypeScore = z.infer<typeof questionTypeScoreSchema>;

/**
 * What a checkpoint measured on its held-out test set, as its manifest's `eval` block records it
 * (models/README.md): overall exact match and a score per question type.
 */
export const modelEvaluationSchema = z.object({
  /** Questions in the test set. */
  n: z.number().int().nonnegative(),
  /** Exact match over the short-answer types, in [0, 1]. */
  overall: z.number().min(0).max(1),
  byType: z.array(questionTypeScoreSchema),
});
export type ModelEvaluation = z.infer<typeof modelEvaluationSchema>;
