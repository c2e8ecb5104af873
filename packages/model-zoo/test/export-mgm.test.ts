import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadModel, manifestSchema } from '@mgm/engine';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_MODELS_DIR, getZooEntry, manifestTemplate } from '../src/index.ts';

const run = promisify(execFile);
const EXPORTER_DIR = path.resolve(SHIPPED_MODELS_DIR, '../tools/export-mgm');

interface Tensor {
  dims: number[];
  data: number[];
}
type Reference = Record<'images' | 'input_ids' | 'image_features' | 'inputs_embeds' | 'prefill_logits' | 'step_logits', Tensor> & {
  images_aux?: Tensor;
};

function maxRelativeError(expected: number[], actual: Float32Array): number {
  let scale = 0;
  let worst = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs((expected[i] as number) - (actual[i] as number)));
  return worst / scale;
}

const f32 = (t: Tensor) => new ort.Tensor('float32', Float32Array.from(t.data), t.dims);

/**
 * tools/export-mgm on tools/mgm-tiny's model dressed as a released MGM model (random weights):
 * the adapter, the shared graph export, the manifest template, the tokenizer step and the
 * quantised variants, checked against PyTorch's own outputs on the same inputs.
 */
describe.each([
  ['mgm-tiny-hd', []],
  ['llava-tiny', ['--no-variants']],
] as [string, string[]][])('export_mgm --tiny-standin %s', (name, extra) => {
  let out: string;
  let ref: Reference;
  beforeAll(async () => {
    out = await mkdtemp(path.join(tmpdir(), 'mgm-export-'));
    const refFile = path.join(out, 'reference.json');
    const { stdout } = await run(
      '/usr/bin/python3',
      ['-m', 'export_mgm', '--tiny-standin', name, '--out', path.join(out, name), '--reference', refFile, '--threads', '2', ...extra],
      { cwd: EXPORTER_DIR, maxBuffer: 1 << 26 },
    );
    expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toMatchObject({ name, folder: path.join(out, name) });
    ref = JSON.parse(await readFile(refFile, 'utf8')) as Reference;
  }, 180_000);
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('writes a valid mgm.json built on the zoo template', async () => {
    const manifest = JSON.parse(await readFile(path.join(out, name, 'mgm.json'), 'utf8'));
    expect(manifestSchema.safeParse(manifest).success).toBe(true);
    const t = manifestTemplate(getZooEntry(name));
    expect(manifest).toMatchObject({ name: t.name, template: t.template, image: t.image, kv_cache: t.kv_cache, architecture: t.architecture });
    expect(manifest.llm).toMatchObject({ hidden_size: 256, num_layers: 4, num_kv_heads: 4, head_dim: 64 });
    for (const f of Object.values(manifest.files) as string[]) expect(existsSync(path.join(out, name, f))).toBe(true);
    expect(Object.keys(manifest.variants ?? {}).sort()).toEqual(extra.includes('--no-variants') ? [] : ['q4', 'q8']);
  });

  it('its graphs compute what the PyTorch model computes (vision, embed, prefill and a cached step)', async () => {
    const dir = path.join(out, name);
    const open = (f: string) => ort.InferenceSession.create(path.join(dir, f));
    const [vision, embed, decoder] = [await open('vision.onnx'), await open('embed.onnx'), await open('decoder.onnx')];
    try {
      const feeds: Record<string, ort.Tensor> = { images: f32(ref.images) };
      if (ref.images_aux) feeds.images_aux = f32(ref.images_aux);
      const features = (await vision.run(feeds)).image_features as ort.Tensor;
      expect(features.dims).toEqual(ref.image_features.dims);
      expect(maxRelativeError(ref.image_features.data, features.data as Float32Array)).toBeLessThan(1e-3);

      const ids = new ort.Tensor('int64', BigInt64Array.from(ref.input_ids.data.map(BigInt)), ref.input_ids.dims);
      const embeds = (await embed.run({ input_ids: ids })).inputs_embeds as ort.Tensor;
      expect(maxRelativeError(ref.inputs_embeds.data, embeds.data as Float32Array)).toBeLessThan(1e-5);

      const layers = 4;
      const empty = () => new ort.Tensor('float32', new Float32Array(0), [1, 4, 0, 64]);
      const prefill: Record<string, ort.Tensor> = {
        inputs_embeds: embeds,
        attention_mask: new ort.Tensor('int64', new BigInt64Array(6).fill(1n), [1, 6]),
        position_ids: new ort.Tensor('int64', BigInt64Array.from([0n, 1n, 2n, 3n, 4n, 5n]), [1, 6]),
      };
      for (let i = 0; i < layers; i++) {
        prefill[`past_key_values.${i}.key`] = empty();
        prefill[`past_key_values.${i}.value`] = empty();
      }
      const first = await decoder.run(prefill);
      expect(maxRelativeError(ref.prefill_logits.data, first.logits?.data as Float32Array)).toBeLessThan(1e-3);

      const stepEmbed = (await embed.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from([BigInt(ref.input_ids.data[0] as number)]), [1, 1]) }))
        .inputs_embeds as ort.Tensor;
      const step: Record<string, ort.Tensor> = {
        inputs_embeds: stepEmbed,
        attention_mask: new ort.Tensor('int64', new BigInt64Array(7).fill(1n), [1, 7]),
        position_ids: new ort.Tensor('int64', BigInt64Array.from([6n]), [1, 1]),
      };
      for (let i = 0; i < layers; i++) {
        step[`past_key_values.${i}.key`] = first[`present.${i}.key`] as ort.Tensor;
        step[`past_key_values.${i}.value`] = first[`present.${i}.value`] as ort.Tensor;
      }
      const second = await decoder.run(step);
      expect(maxRelativeError(ref.step_logits.data, second.logits?.data as Float32Array)).toBeLessThan(1e-3);
    } finally {
      await Promise.all([vision.release(), embed.release(), decoder.release()]);
    }
  });

  it('the engine serves the exported folder in every dtype it lists', async () => {
    const manifest = JSON.parse(await readFile(path.join(out, name, 'mgm.json'), 'utf8'));
    const image = new Uint8Array(await readFile(path.join(SHIPPED_MODELS_DIR, 'eval', 'images', 'test-0000.png')));
    for (const dtype of ['fp32', ...Object.keys(manifest.variants ?? {})] as ('fp32' | 'q8' | 'q4')[]) {
      const model = await loadModel(path.join(out, name), { dtype, intraOpThreads: 1 });
      try {
        const result = await model.generate({ messages: [{ role: 'user', content: 'What shape is it?' }], image, params: { temperature: 0, maxNewTokens: 4 } }).result;
        expect(result.finishReason).not.toBe('error');
        expect(result.tokens.visual).toBe(manifest.image.visual_tokens);
      } finally {
        await model.close();
      }
    }
  });
});

describe('export_mgm without the MGM repository', () => {
  it('says how to get it, exit non-zero', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'mgm-export-'));
    try {
      await expect(
        run('/usr/bin/python3', ['-m', 'export_mgm', '--model-path', path.join(out, 'MGM-7B-HD'), '--out', path.join(out, 'x'), '--device', 'cpu'], { cwd: EXPORTER_DIR }),
      ).rejects.toMatchObject({ stderr: expect.stringMatching(/MGM repository's code is not importable.*--mgm-repo/) });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('refuses a name that is not in the zoo', async () => {
    await expect(
      run('/usr/bin/python3', ['-m', 'export_mgm', '--model-path', '/weights/MGM-70B', '--out', '/tmp/never'], { cwd: EXPORTER_DIR }),
    ).rejects.toMatchObject({ stderr: expect.stringMatching(/'MGM-70B' has no manifest template/) });
  });
});
