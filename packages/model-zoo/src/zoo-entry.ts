import { z } from 'zod';

/** MME is reported as perception / cognition. */
export const mmeScoreSchema = z.object({ perception: z.number(), cognition: z.number() });

/**
 * Published benchmark figures of one checkpoint; null where the source gives none ("--").
 * Percentages except MME.
 */
export const benchmarksSchema = z.object({
  textvqa: z.number().nullable(),
  mmb: z.number().nullable(),
  mme: mmeScoreSchema.nullable(),
  mmvet: z.number().nullable(),
  mmmuVal: z.number().nullable(),
  mmmuTest: z.number().nullable(),
  mathvista: z.number().nullable(),
});
export type Benchmarks = z.infer<typeof benchmarksSchema>;

export const zooImageSchema = z.object({
  /** Side of one LR view (CLIP ViT-L/14-336: 336). */
  lrSize: z.number().int().positive(),
  /** Side of the HR image; null for an LR-only (LLaVA) checkpoint. */
  hrSize: z.number().int().positive().nullable(),
  /** HD: 2 (the LR image is lrSize * grid, cut grid x grid). */
  grid: z.number().int().positive(),
  globalView: z.boolean(),
  tokensPerView: z.number().int().positive(),
  visualTokens: z.number().int().positive(),
});

export const zooEntrySchema = z.object({
  /** The name users type (`mgm ask --model MGM-7B-HD`) and the model id workers register. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  displayName: z.string(),
  kind: z.enum(['released', 'tiny']),
  architecture: z.enum(['mgm', 'llava']),
  /** The base LLM as the MGM model zoo names it. */
  baseLlm: z.string(),
  /** Parameter count of the LLM, as its family names it (2B, 7B, 8x7B ...). */
  llmSize: z.string(),
  /** MGM conversation template (conv_mode). */
  template: z.enum(['vicuna_v1', 'gemma', 'llama_3', 'mistral_instruct', 'chatml_direct']),
  hd: z.boolean(),
  image: zooImageSchema,
  /** Folder name of the exported checkpoint under the models directory. */
  folder: z.string().min(1),
  /** Where the released PyTorch weights are published (Hugging Face repo id); null for ours. */
  weights: z.string().nullable(),
  benchmarks: benchmarksSchema.nullable(),
  /** Where the figures come from. */
  benchmarksSource: z.string().nullable(),
  notes: z.string().optional(),
});
export type ZooEntry = z.infer<typeof zooEntrySchema>;
