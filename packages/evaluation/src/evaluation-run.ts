import { z } from 'zod';
import { errorCodeSchema, finishReasonSchema, imageIdSchema, imageModeSchema, modelIdSchema, samplingParamsSchema, tokenCountsSchema } from '@mgm/protocol';
import type { ModelSummary } from './run-summary.ts';

/** Uploaded question sets are named by a random id (a folder under DATA_DIR/eval-sets). */
export const questionSetIdSchema = z.string().regex(/^[a-z0-9-]{8,64}$/, 'not a question set id');
export const evaluationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not an evaluation id');

/** Which questions: the shipped models/eval split, or a set someone uploaded. */
export const questionSetRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('shipped') }),
  z.object({ kind: z.literal('uploaded'), id: questionSetIdSchema }),
]);
export type QuestionSetRef = z.infer<typeof questionSetRefSchema>;

export const MAX_EVALUATION_MODELS = 8;

/** POST /api/evaluations. Params are greedy unless given (as `mgm eval`). */
export const evaluationStartSchema = z.object({
  set: questionSetRefSchema.default({ kind: 'shipped' }),
  models: z
    .array(modelIdSchema)
    .min(1, 'choose at least one model')
    .max(MAX_EVALUATION_MODELS, `at most ${MAX_EVALUATION_MODELS} models per run`)
    .refine((models) => new Set(models).size === models.length, 'a model is listed twice'),
  /** Overrides of the sampling parameters; temperature defaults to 0 (greedy). */
  params: z.record(z.string(), z.unknown()).default({}),
  imageMode: imageModeSchema.default('default'),
  /** The first N questions (as `mgm eval --limit N`). */
  limit: z.number().int().min(1).optional(),
  /** N questions drawn with a seed. */
  sample: z.object({ size: z.number().int().min(1), seed: z.number().int().min(0).max(2 ** 32 - 1).default(1) }).optional(),
});
export type EvaluationStartInput = z.input<typeof evaluationStartSchema>;
export type EvaluationStart = z.infer<typeof evaluationStartSchema>;

/** The sampling parameters of a run: greedy unless the request says otherwise. */
export function evaluationParams(overrides: Record<string, unknown>) {
  return samplingParamsSchema.safeParse({ temperature: 0, ...overrides });
}

export const evaluationStatusSchema = z.enum(['running', 'done', 'stopped', 'failed', 'interrupted']);
export type EvaluationStatus = z.infer<typeof evaluationStatusSchema>;

export const evaluationRunSchema = z.object({
  id: evaluationIdSchema,
  createdAt: z.number(),
  /** Last sign of life of the controller running it (a running run without one for long is interrupted). */
  updatedAt: z.number(),
  finishedAt: z.number().nullable(),
  status: evaluationStatusSchema,
  /** Why it failed or was interrupted. */
  reason: z.string().nullable(),
  set: z.object({ kind: z.enum(['shipped', 'uploaded']), id: z.string().nullable(), name: z.string(), size: z.number().int() }),
  models: z.array(modelIdSchema),
  /** dtype of each model's workers when the run started. */
  dtypes: z.record(z.string(), z.string()),
  params: samplingParamsSchema,
  imageMode: imageModeSchema,
  limit: z.number().int().nullable(),
  sample: z.object({ size: z.number().int(), seed: z.number().int() }).nullable(),
  /** Questions per model. */
  questions: z.number().int(),
});
export type EvaluationRun = z.infer<typeof evaluationRunSchema>;

/** One model's answer to one question, scored. */
export const evaluationResultSchema = z.object({
  model: modelIdSchema,
  /** Position of the question in the run (0-based). */
  index: z.number().int().nonnegative(),
  questionId: z.string(),
  type: z.string(),
  question: z.string(),
  history: z.array(z.object({ question: z.string(), answer: z.string() })),
  reference: z.string(),
  answer: z.string(),
  /** Exact match (0/1) for short types, token F1 for the others: the scorer of `mgm eval`. */
  score: z.number().min(0).max(1),
  finishReason: finishReasonSchema.nullable(),
  error: z.object({ code: errorCodeSchema, message: z.string() }).nullable(),
  tokens: tokenCountsSchema.nullable(),
  ttftMs: z.number().nullable(),
  tokensPerSecond: z.number().nullable(),
  totalMs: z.number().nullable(),
  /** The question's image in the controller's image store (null: the image could not be read). */
  imageId: imageIdSchema.nullable(),
  /** null: no job was enqueued (the image could not be read). */
  jobId: z.string().nullable(),
  workerId: z.string().nullable(),
  at: z.number(),
});
export type EvaluationResult = z.infer<typeof evaluationResultSchema>;

/** GET /api/evaluations/:id — the run, per-model progress and scores, and (on request) its answers. */
export interface EvaluationSnapshot {
  run: EvaluationRun;
  summaries: ModelSummary[];
  /** Present with ?results=all (every answer) or ?results=wrong (answers not scored 1). */
  results?: EvaluationResult[];
}
