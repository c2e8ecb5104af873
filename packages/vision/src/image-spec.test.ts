import { describe, expect, it } from 'vitest';
import { hdSpec, llavaSpec, tinySpec } from '../test/specs.ts';
import { imageSpecSchema, processModeSchema } from './image-spec.ts';

describe('imageSpecSchema', () => {
  it('accepts the three tiny checkpoints', () => {
    for (const spec of [tinySpec, hdSpec, llavaSpec]) expect(imageSpecSchema.parse(spec)).toEqual(spec);
  });

  it('accepts MGM-HD real sizes', () => {
    expect(imageSpecSchema.safeParse({ ...hdSpec, lr_size: 336, hr_size: 1536, tokens_per_view: 576, visual_tokens: 2880 }).success).toBe(true);
  });

  it('checks views and visual_tokens against grid and global_view', () => {
    const bad = imageSpecSchema.safeParse({ ...hdSpec, views: 4 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['views']);
    const tokens = imageSpecSchema.safeParse({ ...tinySpec, visual_tokens: 37 });
    expect(tokens.error?.issues[0]?.path).toEqual(['visual_tokens']);
    const global = imageSpecSchema.safeParse({ ...tinySpec, global_view: true, views: 2, visual_tokens: 72 });
    expect(global.error?.issues.map((i) => i.path[0])).toContain('global_view');
  });

  it('rejects unknown keys, bad colours and unknown filters', () => {
    expect(imageSpecSchema.safeParse({ ...tinySpec, lr: 48 }).success).toBe(false);
    expect(imageSpecSchema.safeParse({ ...tinySpec, pad_color: [122, 116, 300] }).success).toBe(false);
    expect(imageSpecSchema.safeParse({ ...tinySpec, std: [0.2, 0, 0.2] }).success).toBe(false);
    expect(imageSpecSchema.safeParse({ ...tinySpec, resample: 'nearest' }).success).toBe(false);
    expect(imageSpecSchema.safeParse({ ...tinySpec, hr_size: undefined }).success).toBe(false);
  });

  it('lists the four process modes', () => {
    expect(processModeSchema.options).toEqual(['pad', 'crop', 'resize', 'default']);
  });
});
