import type { ZooEntry } from './zoo-entry.ts';

/** CLIP's normalisation and MGM's expand-to-square colour (CLIP mean x 255). */
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;
export const MGM_PAD_COLOR = [122, 116, 104] as const;

/**
 * The part of a checkpoint's mgm.json (models/README.md) that the zoo knows before export:
 * identity, template, image geometry and the KV-cache naming of the graph contract.
 * tools/export-mgm fills in what only the PyTorch model knows (`llm`, `context_length`,
 * `special_tokens` ids, `files`, `variants`) and writes the result.
 */
export interface ManifestTemplate {
  format: 'mgm-serve.checkpoint/v1';
  name: string;
  display_name: string;
  architecture: 'mgm' | 'llava';
  template: string;
  image: {
    process_mode: 'pad';
    lr_size: number;
    hr_size: number | null;
    grid: number;
    global_view: boolean;
    views: number;
    tokens_per_view: number;
    visual_tokens: number;
    mean: number[];
    std: number[];
    pad_color: number[];
    resample: 'bicubic';
  };
  kv_cache: {
    layout: 'batch,heads,seq,head_dim';
    dtype: 'float32';
    past_key: string;
    past_value: string;
    present_key: string;
    present_value: string;
  };
  source: { weights: string | null; base_llm: string };
}

export function manifestTemplate(entry: ZooEntry): ManifestTemplate {
  const img = entry.image;
  return {
    format: 'mgm-serve.checkpoint/v1',
    name: entry.name,
    display_name: entry.displayName,
    architecture: entry.architecture,
    template: entry.template,
    image: {
      process_mode: 'pad',
      lr_size: img.lrSize,
      hr_size: img.hrSize,
      grid: img.grid,
      global_view: img.globalView,
      views: img.grid * img.grid + (img.globalView ? 1 : 0),
      tokens_per_view: img.tokensPerView,
      visual_tokens: img.visualTokens,
      mean: [...CLIP_MEAN],
      std: [...CLIP_STD],
      pad_color: [...MGM_PAD_COLOR],
      resample: 'bicubic',
    },
    kv_cache: {
      layout: 'batch,heads,seq,head_dim',
      dtype: 'float32',
      past_key: 'past_key_values.{layer}.key',
      past_value: 'past_key_values.{layer}.value',
      present_key: 'present.{layer}.key',
      present_value: 'present.{layer}.value',
    },
    source: { weights: entry.weights, base_llm: entry.baseLlm },
  };
}
