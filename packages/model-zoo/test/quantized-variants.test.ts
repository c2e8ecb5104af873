import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Dtype, loadModel } from '@mgm/engine';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { SHIPPED_MODELS_DIR, TINY_CHECKPOINTS } from '../src/index.ts';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const QUANTIZE_DIR = path.resolve(SHIPPED_MODELS_DIR, '../tools/quantize');
const EVAL = path.join(SHIPPED_MODELS_DIR, 'eval');

/** Deterministic pseudo-random floats (a fixed LCG), so a failure reproduces. */
function noise(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

function relativeError(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += ((a[i] as number) - (b[i] as number)) ** 2;
    den += (a[i] as number) ** 2;
  }
  return Math.sqrt(num / den);
}

interface Manifest {
  name: string;
  architecture: string;
  image: { views: number; lr_size: number; hr_size: number | null };
  llm: { hidden_size: number; num_layers: number; num_kv_heads: number; head_dim: number };
  files: Record<string, string>;
  variants?: Record<string, Record<string, string>>;
}

function manifestOf(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, 'mgm.json'), 'utf8')) as Manifest;
}

/** Runs the three graphs of one dtype on fixed inputs; returns image features and decoder logits. */
async function runGraphs(dir: string, m: Manifest, files: Record<string, string>): Promise<{ features: Float32Array; logits: Float32Array }> {
  const open = (f: string) => ort.InferenceSession.create(path.join(dir, f));
  const [vision, embed, decoder] = await Promise.all([open(files.vision as string), open(files.embed as string), open(files.decoder as string)]);
  try {
    const { views, lr_size: lr, hr_size: hr } = m.image;
    const feeds: Record<string, ort.Tensor> = {
      images: new ort.Tensor('float32', noise(views * 3 * lr * lr, 1), [1, views, 3, lr, lr]),
    };
    if (m.architecture === 'mgm' && hr) feeds.images_aux = new ort.Tensor('float32', noise(3 * hr * hr, 2), [1, 3, hr, hr]);
    const features = (await vision.run(feeds)).image_features as ort.Tensor;
    const ids = new ort.Tensor('int64', BigInt64Array.from([1n, 20n, 33n, 41n, 57n, 60n, 72n, 99n]), [1, 8]);
    const embeds = (await embed.run({ input_ids: ids })).inputs_embeds as ort.Tensor;
    const seq = features.dims[1] as number;
    const hidden = m.llm.hidden_size;
    const joined = new Float32Array((seq + 8) * hidden);
    joined.set(features.data as Float32Array, 0);
    joined.set(embeds.data as Float32Array, seq * hidden);
    const total = seq + 8;
    const dec: Record<string, ort.Tensor> = {
      inputs_embeds: new ort.Tensor('float32', joined, [1, total, hidden]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: total }, (_, i) => BigInt(i)), [1, total]),
    };
    for (let i = 0; i < m.llm.num_layers; i++) {
      for (const kind of ['key', 'value']) {
        dec[`past_key_values.${i}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, m.llm.num_kv_heads, 0, m.llm.head_dim]);
      }
    }
    const logits = (await decoder.run(dec)).logits as ort.Tensor;
    return { features: features.data as Float32Array, logits: logits.data as Float32Array };
  } finally {
    await Promise.all([vision.release(), embed.release(), decoder.release()]);
  }
}

// Bounds on the relative (L2) error against fp32 on the same inputs: a stale variant (fp32 graphs
// re-exported, variants not rewritten) or a wrong weight layout lands far above them (≈ 1).
// q4 logits: 0.15 on the CPU-trained mgm-tiny (LLM 192 wide); what that costs in accuracy is
// measured per dtype in models/README.md.
const BOUNDS: Record<string, { features: number; logits: number }> = {
  q8: { features: 0.03, logits: 0.03 },
  q4: { features: 0.03, logits: 0.2 },
};

describe.each(TINY_CHECKPOINTS.map((e) => [e.folder] as const))('shipped %s: quantised variants', (folder) => {
  const dir = path.join(SHIPPED_MODELS_DIR, folder);
  const m = manifestOf(dir);

  it('lists q8 and q4 in mgm.json, with files on disk, and stays within 30 MB', async () => {
    expect(Object.keys(m.variants ?? {}).sort()).toEqual(['q4', 'q8']);
    let total = 0;
    const files = new Set([...Object.values(m.files), ...Object.values(m.variants ?? {}).flatMap((v) => [v.vision, v.embed, v.decoder])]);
    for (const f of files) total += (await stat(path.join(dir, f as string))).size;
    expect(total).toBeLessThan(30e6);
  });

  it.each(['q8', 'q4'] as const)('%s computes what fp32 computes, within its bound', async (dtype) => {
    const ref = await runGraphs(dir, m, m.files);
    const q = await runGraphs(dir, m, m.variants?.[dtype] as Record<string, string>);
    const features = relativeError(ref.features, q.features);
    const logits = relativeError(ref.logits, q.logits);
    expect(features).toBeGreaterThan(0); // the variant really is another graph
    expect(features).toBeLessThan(BOUNDS[dtype]?.features as number);
    expect(logits).toBeLessThan(BOUNDS[dtype]?.logits as number);
  });
});

interface ReferenceRecord {
  model: string;
  image: string;
  messages: { role: 'user' | 'assistant'; content: string }[];
  output_text: string;
}

describe('q8 and q4 through the engine: the greedy reference answers', () => {
  const records = readFileSync(path.join(EVAL, 'greedy-reference.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ReferenceRecord)
    .filter((r) => r.model === 'mgm-tiny' && r.messages);

  // Measured: q8 22/24, q4 21/24 identical answers; a wrong weight layout answers ~0/24.
  it.each([
    ['q8', 0.85],
    ['q4', 0.75],
  ] as [Dtype, number][])('mgm-tiny %s gives the fp32 greedy answer on at least a share %s of the reference records', async (dtype, share) => {
    const model = await loadModel(path.join(SHIPPED_MODELS_DIR, 'mgm-tiny'), { dtype, intraOpThreads: 1 });
    try {
      expect(model.info.dtype).toBe(dtype);
      let same = 0;
      for (const r of records) {
        const image = new Uint8Array(await readFile(path.join(EVAL, r.image)));
        const result = await model.generate({ messages: r.messages, image, params: { temperature: 0, maxNewTokens: 64 } }).result;
        if (result.text.trim() === r.output_text.trim()) same++;
      }
      expect(records.length).toBeGreaterThanOrEqual(10);
      expect(same / records.length).toBeGreaterThanOrEqual(share);
    } finally {
      await model.close();
    }
  });
});

describe('tools/quantize', () => {
  const scratch: string[] = [];
  afterAll(async () => {
    for (const d of scratch) await rm(d, { recursive: true, force: true });
  });

  it('passes its Python unit tests', async () => {
    const { stderr } = await run(PYTHON, ['-m', 'unittest', 'discover', '-s', 'tests'], { cwd: QUANTIZE_DIR });
    expect(stderr).toMatch(/\nOK\s*$/);
  });

  it('writes q8 / q4 graphs into a checkpoint, lists them, and the engine runs them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mgm-quantize-'));
    scratch.push(dir);
    const src = path.join(SHIPPED_MODELS_DIR, 'llava-tiny');
    for (const f of ['mgm.json', 'tokenizer.json', 'vision.onnx', 'embed.onnx', 'decoder.onnx']) await cp(path.join(src, f), path.join(dir, f));
    const raw = JSON.parse(await readFile(path.join(dir, 'mgm.json'), 'utf8'));
    delete raw.variants;
    await import('node:fs/promises').then((fs) => fs.writeFile(path.join(dir, 'mgm.json'), JSON.stringify(raw)));

    const { stdout } = await run(PYTHON, ['-m', 'mgm_quantize', dir, '--dtype', 'q4', '--q4-vision', 'int4'], { cwd: QUANTIZE_DIR });
    const report = JSON.parse(stdout);
    expect(report.variants.q4).toMatchObject({ vision: 'vision.q4.onnx', embed: 'embed.q8.onnx', decoder: 'decoder.q4.onnx' });
    const m = manifestOf(dir);
    expect(Object.keys(m.variants ?? {})).toEqual(['q4']);
    const fp32 = (await stat(path.join(dir, 'decoder.onnx'))).size;
    const q4 = (await stat(path.join(dir, 'decoder.q4.onnx'))).size;
    expect(q4).toBeLessThan(fp32 / 5);

    const model = await loadModel(dir, { dtype: 'q4', intraOpThreads: 1 });
    try {
      const image = new Uint8Array(await readFile(path.join(EVAL, 'images', 'test-0000.png')));
      const result = await model.generate({ messages: [{ role: 'user', content: 'How many shapes are there?' }], image, params: { temperature: 0, maxNewTokens: 16 } }).result;
      expect(result.finishReason).not.toBe('error');
      expect(result.text.trim().length).toBeGreaterThan(0);
    } finally {
      await model.close();
    }
    await expect(loadModel(dir, { dtype: 'q8' })).rejects.toThrow(/has no q8 graphs \(it ships: fp32, q4\)/);
  });

  it('fails with a one-line error on a folder without a manifest', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mgm-quantize-'));
    scratch.push(dir);
    await expect(run(PYTHON, ['-m', 'mgm_quantize', dir], { cwd: QUANTIZE_DIR })).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/^mgm_quantize: .*mgm\.json/) });
  });
});
