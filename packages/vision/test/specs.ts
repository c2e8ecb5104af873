import type { ImageSpec } from '../src/image-spec.ts';

const clip = {
  mean: [0.48145466, 0.4578275, 0.40821073] as [number, number, number],
  std: [0.26862954, 0.26130258, 0.27577711] as [number, number, number],
  pad_color: [122, 116, 104] as [number, number, number],
  resample: 'bicubic' as const,
};

/** mgm-tiny's image block (models/README.md). */
export const tinySpec: ImageSpec = { process_mode: 'pad', lr_size: 48, hr_size: 192, grid: 1, global_view: false, views: 1, tokens_per_view: 36, visual_tokens: 36, ...clip };
/** mgm-tiny-hd's: LR 2x2 crops + global view, HR 384. */
export const hdSpec: ImageSpec = { ...tinySpec, hr_size: 384, grid: 2, global_view: true, views: 5, visual_tokens: 180 };
/** llava-tiny's: LR only. */
export const llavaSpec: ImageSpec = { ...tinySpec, hr_size: null };
