import { z } from 'zod';

/**
 * The picture MGM's generation mode attaches to an answer (--gen, the "Generate image" switch):
 * the model's image prompt (the text inside <h>…</h>) and what the text-to-image backend drew.
 * `status`: `ok` with the PNG; `no-prompt` when the answer holds no <h>…</h>; `failed` when the
 * backend could not draw the prompt (`message` says why).
 */
export const generatedImageSchema = z.object({
  status: z.enum(['ok', 'no-prompt', 'failed']),
  /** The image prompt the model wrote; null when its answer had none. */
  prompt: z.string().nullable(),
  /** PNG bytes, base64 (present when status is ok). */
  pngBase64: z.string().optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  /** Which backend drew it: `scene-renderer`, `openai-images`, `a1111`. */
  backend: z.string().optional(),
  /** What the picture is, for the person looking at it (e.g. not a diffusion model). */
  note: z.string().optional(),
  /** Why there is no picture (no-prompt / failed). */
  message: z.string().optional(),
});
export type GeneratedImage = z.infer<typeof generatedImageSchema>;
