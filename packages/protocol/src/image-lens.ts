import { z } from 'zod';
import { jobIdSchema, modelIdSchema } from './ids.ts';

/** A PNG, base64 (no data: prefix), and its size. */
export const lensPngSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  pngBase64: z.string().min(1),
});
export type LensPng = z.infer<typeof lensPngSchema>;

/** A square of the HR input, in its pixels. */
export const lensRegionSchema = z.object({
  x: z.number().nonnegative(),
  y: z.number().nonnegative(),
  size: z.number().positive(),
});

/**
 * "What the model sees" for one answer (`GET /api/lens/:jobId`, asked for with `explain: true`):
 * the image as the checkpoint received it and where its patch info mining looked.
 */
export const imageLensSchema = z.object({
  jobId: jobIdSchema,
  model: modelIdSchema,
  architecture: z.enum(['mgm', 'llava']),
  lrSize: z.number().int().positive(),
  hrSize: z.number().int().positive().nullable(),
  /** LR tokens per side of one view (a view has grid * grid tokens, row-major). */
  grid: z.number().int().positive(),
  /** HR feature cells per side of one token's window (null: no attention). */
  window: z.number().int().positive().nullable(),
  /** The views in the LLM's order: `whole`, or HD `global` then `crop0`..`crop3` (row-major). */
  views: z.array(
    z.object({
      name: z.string(),
      /** The LR input of the view, lrSize x lrSize. */
      lr: lensPngSchema,
      /** The part of the HR input this view mines (null: no HR branch). */
      hrRegion: lensRegionSchema.nullable(),
    }),
  ),
  /** The HR input, hrSize x hrSize (null: no HR branch). */
  hr: lensPngSchema.nullable(),
  /**
   * Mining attention, flat, [views][grid*grid][window*window] row-major: for each view and LR
   * token, its softmax weights over the HR feature cells of its window (each token's sum is 1,
   * up to rounding to 6 decimals). Null for a checkpoint without an HR branch, or one whose
   * vision graph was exported without mining_attention (`missing` says why).
   */
  attention: z.array(z.number()).nullable(),
  missing: z.string().optional(),
});
export type ImageLensWire = z.infer<typeof imageLensSchema>;
