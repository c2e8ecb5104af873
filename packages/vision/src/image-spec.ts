import { z } from 'zod';
import { resampleFilters } from './resample-coeffs.ts';

/** MGM's image process modes (gradio's "Crop" / "Resize" / "Pad" / "Default"). */
export const processModeSchema = z.enum(['pad', 'crop', 'resize', 'default']);
export type ProcessMode = z.infer<typeof processModeSchema>;

const rgbTriple = z.tuple([z.number(), z.number(), z.number()]);

/** The `image` block of a checkpoint's mgm.json (models/README.md). */
export const imageSpecSchema = z
  .strictObject({
    process_mode: processModeSchema,
    lr_size: z.number().int().min(1).max(4096),
    hr_size: z.number().int().min(1).max(8192).nullable(),
    grid: z.number().int().min(1).max(8),
    global_view: z.boolean(),
    views: z.number().int().min(1),
    tokens_per_view: z.number().int().min(1),
    visual_tokens: z.number().int().min(1),
    mean: rgbTriple,
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
    pad_color: z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]),
    resample: z.enum(resampleFilters),
  })
  .superRefine((spec, ctx) => {
    const views = spec.grid * spec.grid + (spec.global_view ? 1 : 0);
    if (spec.views !== views) {
      ctx.addIssue({ code: 'custom', path: ['views'], message: `views must be grid*grid + (global_view ? 1 : 0) = ${views}` });
    }
    if (spec.visual_tokens !== spec.views * spec.tokens_per_view) {
      ctx.addIssue({ code: 'custom', path: ['visual_tokens'], message: `visual_tokens must be views * tokens_per_view = ${spec.views * spec.tokens_per_view}` });
    }
    if (spec.global_view && spec.grid < 2) {
      ctx.addIssue({ code: 'custom', path: ['global_view'], message: 'global_view needs grid >= 2 (MGM only adds the global view to HD crops)' });
    }
  });
export type ImageSpec = z.infer<typeof imageSpecSchema>;
