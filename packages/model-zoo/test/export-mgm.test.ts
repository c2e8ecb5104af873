import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadModel, manifestSchema } from '@mgm/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportReference, checkExport, readExportReference } from '../src/export-check.ts';
import { SHIPPED_MODELS_DIR, getZooEntry, manifestTemplate } from '../src/index.ts';

const run = promisify(execFile);
const EXPORTER_DIR = path.resolve(SHIPPED_MODELS_DIR, '../tools/export-mgm');

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
  let ref: ExportReference;
  beforeAll(async () => {
    out = await mkdtemp(path.join(tmpdir(), 'mgm-export-'));
    const refFile = path.join(out, 'reference.json');
    const { stdout } = await run(
      '/usr/bin/python3',
      ['-m', 'export_mgm', '--tiny-standin', name, '--out', path.join(out, name), '--reference', refFile, '--threads', '2', ...extra],
      { cwd: EXPORTER_DIR, maxBuffer: 1 << 26 },
    );
    expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toMatchObject({ name, folder: path.join(out, name) });
    ref = await readExportReference(refFile);
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
    const errors = await checkExport(path.join(out, name), ref);
    expect(errors.imageFeatures).toBeLessThan(1e-3);
    expect(errors.inputsEmbeds).toBeLessThan(1e-5);
    expect(errors.prefillLogits).toBeLessThan(1e-3);
    expect(errors.stepLogits).toBeLessThan(1e-3);
  });

  it.runIf(extra.length === 0)('its q8 / q4 graphs stay near PyTorch (reported by the same check)', async () => {
    for (const dtype of ['q8', 'q4']) {
      const errors = await checkExport(path.join(out, name), ref, dtype);
      expect(errors.inputsEmbeds).toBeLessThan(0.02);
      expect(errors.prefillLogits).toBeLessThan(dtype === 'q8' ? 0.05 : 0.3);
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
        // The lens: a checkpoint that mines exports where its mining looked; each window sums to 1.
        const lens = (await model.generate({ messages: [{ role: 'user', content: 'What shape is it?' }], image, explain: true, params: { temperature: 0, maxNewTokens: 1 } }).result).lens;
        if (manifest.architecture === 'mgm') {
          const att = lens?.attention;
          if (!att) throw new Error(`no mining attention in the ${dtype} export: ${lens?.missing ?? 'no lens'}`);
          const window = att.length / (manifest.image.views * manifest.image.tokens_per_view);
          expect(Number.isInteger(window)).toBe(true);
          for (let start = 0; start < att.length; start += window) {
            expect(att.subarray(start, start + window).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
          }
        } else {
          expect(lens?.attention ?? null).toBeNull();
        }
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
