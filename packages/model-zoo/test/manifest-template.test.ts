import { readFileSync } from 'node:fs';
import path from 'node:path';
import { manifestSchema } from '@mgm/engine';
import { describe, expect, it } from 'vitest';
import { SHIPPED_MODELS_DIR, TINY_CHECKPOINTS, ZOO, manifestTemplate } from '../src/index.ts';
import { MANIFEST_TEMPLATES_FILE, manifestTemplatesJson } from '../src/manifest-templates-file.ts';

/** What tools/export-mgm adds to a template (values of a Vicuna-7B, for the check only). */
const EXPORT_FILLS = {
  context_length: 4096,
  llm: { hidden_size: 4096, num_layers: 32, num_attention_heads: 32, num_kv_heads: 32, head_dim: 128, vocab_size: 32000 },
  special_tokens: { bos: '<s>', bos_id: 1, eos: '</s>', eos_id: 2, add_bos: true },
  files: { vision: 'vision.onnx', embed: 'embed.onnx', decoder: 'decoder.onnx', tokenizer: 'tokenizer.json' },
};

describe('manifest templates', () => {
  it.each(ZOO.map((e) => [e.name, e] as const))('%s: template + what the exporter fills is a valid mgm.json', (_n, entry) => {
    const parsed = manifestSchema.safeParse({ ...manifestTemplate(entry), ...EXPORT_FILLS });
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
  });

  it.each(TINY_CHECKPOINTS.map((e) => [e.name, e] as const))('%s: the template agrees with the shipped mgm.json', (_n, entry) => {
    const shipped = JSON.parse(readFileSync(path.join(SHIPPED_MODELS_DIR, entry.folder, 'mgm.json'), 'utf8'));
    const t = manifestTemplate(entry);
    expect(shipped.name).toBe(t.name);
    expect(shipped.architecture).toBe(t.architecture);
    expect(shipped.template).toBe(t.template);
    expect(shipped.image).toEqual(t.image);
    expect(shipped.kv_cache).toEqual(t.kv_cache);
  });

  it('manifest-templates.json (read by tools/export-mgm) is up to date: npm run templates -w @mgm/model-zoo', () => {
    expect(readFileSync(MANIFEST_TEMPLATES_FILE, 'utf8')).toBe(manifestTemplatesJson());
  });
});
