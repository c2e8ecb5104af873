import { z } from 'zod';
import { modelIdSchema } from './ids.ts';
import { modelEvaluationSchema } from './model-evaluation.ts';
import { architectureSchema, capabilitySchema } from './worker-record.ts';

/** One entry of `GET /api/models`: a model that has at least one live worker. */
export const modelSummarySchema = z.object({
  id: modelIdSchema,
  displayName: z.string(),
  architecture: architectureSchema,
  template: z.string(),
  /** Live workers hosting the model, whatever their state. */
  workers: z.number().int().nonnegative(),
  /** Workers in state `ready` (they take new jobs). */
  ready: z.number().int().nonnegative(),
  visualTokens: z.number().int().nonnegative(),
  contextLength: z.number().int().positive(),
  lrSize: z.number().int().positive(),
  hrSize: z.number().int().positive().nullable(),
  capabilities: z.array(capabilitySchema),
  /** The checkpoint's measured accuracy per question type (its manifest's `eval` block); null when it has none. */
  evaluation: modelEvaluationSchema.nullable().optional(),
});
export type ModelSummary = z.infer<typeof modelSummarySchema>;

export const modelListResponseSchema = z.object({ models: z.array(modelSummarySchema) });
export type ModelListResponse = z.infer<typeof modelListResponseSchema>;
