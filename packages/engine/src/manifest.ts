import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { MgmError } from '@mgm/protocol';
import { z } from 'zod';

export const MANIFEST_FILE = 'mgm.json';

const positiveInt = z.number().int().positive();

export const imageSpecManifestSchema = z
  .object({
    process_mode: z.enum(['pad', 'crop', 'resize', 'default']),
    lr_size: positiveInt,
    hr_size: positiveInt.nullable(),
    grid: positiveInt,
    global_view: z.boolean(),
    views: positiveInt,
    tokens_per_view: positiveInt,
    visual_tokens: positiveInt,
    mean: z.tuple([z.number(), z.number(), z.number()]),
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
    pad_color: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
    resample: z.string(),
  })
  .loose();

const graphFilesSchema = z.object({ vision: z.string().min(1), embed: z.string().min(1), decoder: z.string().min(1) });

export const manifestSchema = z
  .object({
    format: z.literal('mgm-serve.checkpoint/v1'),
    name: z.string().min(1),
    display_name: z.string().optional(),
    architecture: z.enum(['mgm', 'llava']),
    template: z.string().min(1),
    context_length: positiveInt,
    image: imageSpecManifestSchema,
    llm: z
      .object({
        hidden_size: positiveInt,
        num_layers: positiveInt,
        num_attention_heads: positiveInt,
        num_kv_heads: positiveInt,
        head_dim: positiveInt,
        vocab_size: positiveInt,
        rope_theta: z.number().positive().optional(),
      })
      .loose(),
    kv_cache: z.object({
      layout: z.literal('batch,heads,seq,head_dim'),
      dtype: z.enum(['float32', 'float16']),
      past_key: z.string().includes('{layer}'),
      past_value: z.string().includes('{layer}'),
      present_key: z.string().includes('{layer}'),
      present_value: z.string().includes('{layer}'),
    }),
    special_tokens: z
      .object({
        bos: z.string().optional(),
        bos_id: z.number().int().nonnegative().optional(),
        eos: z.string(),
        eos_id: z.number().int().nonnegative(),
        pad: z.string().optional(),
        pad_id: z.number().int().nonnegative().optional(),
        image: z.string().default('<image>'),
        add_bos: z.boolean(),
      })
      .loose(),
    files: graphFilesSchema.extend({ tokenizer: z.string().min(1) }),
    variants: z.record(z.string(), graphFilesSchema).optional(),
    eval: z.unknown().optional(),
  })
  .loose()
  .superRefine((m, ctx) => {
    const img = m.image;
    const views = img.grid * img.grid + (img.global_view ? 1 : 0);
    if (img.views !== views) {
      ctx.addIssue({ code: 'custom', path: ['image', 'views'], message: `views must be grid*grid + global_view = ${views}` });
    }
    if (img.visual_tokens !== img.views * img.tokens_per_view) {
      ctx.addIssue({ code: 'custom', path: ['image', 'visual_tokens'], message: 'visual_tokens must be views * tokens_per_view' });
    }
    if (m.architecture === 'mgm' && img.hr_size === null) {
      ctx.addIssue({ code: 'custom', path: ['image', 'hr_size'], message: 'an "mgm" checkpoint needs hr_size' });
    }
    if (m.special_tokens.add_bos && m.special_tokens.bos_id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['special_tokens', 'bos_id'], message: 'add_bos needs bos_id' });
    }
    if (m.llm.num_attention_heads % m.llm.num_kv_heads !== 0) {
      ctx.addIssue({ code: 'custom', path: ['llm', 'num_kv_heads'], message: 'num_attention_heads must be a multiple of num_kv_heads' });
    }
  });

export type Manifest = z.infer<typeof manifestSchema>;
export type ImageSpecManifest = Manifest['image'];

export interface LoadedManifest {
  manifest: Manifest;
  /** The checkpoint folder: file names in the manifest are relative to it. */
  dir: string;
  manifestPath: string;
}

/** Resolves a checkpoint folder or a path to its mgm.json to the manifest path. */
export async function resolveManifestPath(dirOrManifestPath: string): Promise<string> {
  const abs = path.resolve(dirOrManifestPath);
  const info = await stat(abs).catch(() => null);
  if (!info) {
    throw new MgmError('CHECKPOINT_FILE_MISSING', `checkpoint not found: ${abs} does not exist`, { details: { path: abs } });
  }
  return info.isDirectory() ? path.join(abs, MANIFEST_FILE) : abs;
}

/** Reads and validates a checkpoint's mgm.json. */
export async function loadManifest(dirOrManifestPath: string): Promise<LoadedManifest> {
  const manifestPath = await resolveManifestPath(dirOrManifestPath);
  let raw: string;
  try {
    raw = await readFile(manifestPath, 'utf8');
  } catch (cause) {
    throw new MgmError('CHECKPOINT_FILE_MISSING', `checkpoint manifest missing: cannot read ${manifestPath}`, {
      cause,
      details: { path: manifestPath },
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new MgmError('MANIFEST_INVALID', `${manifestPath} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new MgmError('MANIFEST_INVALID', `${manifestPath} is not a valid checkpoint manifest: ${issues}`, {
      details: { issues: parsed.error.issues },
    });
  }
  return { manifest: parsed.data, dir: path.dirname(manifestPath), manifestPath };
}
