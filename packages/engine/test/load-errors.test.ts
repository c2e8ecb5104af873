import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { isMgmError } from '@mgm/protocol';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/index.ts';
import { assertProviderAvailable, onnxruntimeBinDir, parseDevice } from '../src/execution-provider.ts';
import { FIXTURES } from './fixture-checkpoint.ts';
import { tempCheckpoint } from './temp-checkpoint.ts';

async function codeOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isMgmError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('loadModel', () => {
  it('loads a checkpoint by folder or by mgm.json and reports what it loaded', async () => {
    const model = await loadModel(path.join(FIXTURES, 'micro-hd', 'mgm.json'));
    expect(model.info).toEqual({
      name: 'micro-hd',
      displayName: 'MICRO-HD',
      architecture: 'mgm',
      template: 'gemma',
      device: 'cpu',
      executionProvider: 'CPUExecutionProvider',
      dtype: 'fp32',
      lrSize: 16,
      hrSize: 64,
      visualTokens: 80,
      contextLength: 256,
    });
    await model.close();
  });

  it('CHECKPOINT_FILE_MISSING for a missing folder, manifest, graph or dtype variant', async () => {
    expect((await codeOf(loadModel('/nonexistent/ckpt'))).code).toBe('CHECKPOINT_FILE_MISSING');
    const t = await tempCheckpoint('micro-mgm');
    try {
      await rm(path.join(t.dir, 'decoder.onnx'));
      const e = await codeOf(loadModel(t.dir));
      expect(e.code).toBe('CHECKPOINT_FILE_MISSING');
      expect(e.message).toContain('decoder.onnx');
      expect((await codeOf(loadModel(path.join(FIXTURES, 'micro-mgm'), { dtype: 'q8' }))).code).toBe('CHECKPOINT_FILE_MISSING');
      await rm(path.join(t.dir, 'mgm.json'));
      expect((await codeOf(loadModel(t.dir))).code).toBe('CHECKPOINT_FILE_MISSING');
    } finally {
      await t.cleanup();
    }
  });

  it('MANIFEST_INVALID names the bad field', async () => {
    const t = await tempCheckpoint('micro-mgm', (m) => {
      m.image.visual_tokens = 17;
    });
    try {
      const e = await codeOf(loadModel(t.dir));
      expect(e.code).toBe('MANIFEST_INVALID');
      expect(e.message).toContain('image.visual_tokens');
    } finally {
      await t.cleanup();
    }
  });

  it('TEMPLATE_UNKNOWN for a template MGM does not have', async () => {
    const t = await tempCheckpoint('micro-mgm', (m) => {
      m.template = 'alpaca';
    });
    try {
      expect((await codeOf(loadModel(t.dir))).code).toBe('TEMPLATE_UNKNOWN');
    } finally {
      await t.cleanup();
    }
  });

  it('GRAPH_MISMATCH lists missing/unexpected inputs and wrong shapes', async () => {
    const layers = await tempCheckpoint('micro-mgm', (m) => {
      m.llm.num_layers = 3;
    });
    const width = await tempCheckpoint('micro-mgm', (m) => {
      m.image.lr_size = 32;
    });
    const swapped = await tempCheckpoint('micro-mgm', (m) => {
      m.files.vision = 'embed.onnx';
    });
    try {
      const a = await codeOf(loadModel(layers.dir));
      expect(a.code).toBe('GRAPH_MISMATCH');
      expect(a.message).toContain('missing input "past_key_values.2.key"');
      const b = await codeOf(loadModel(width.dir));
      expect(b.code).toBe('GRAPH_MISMATCH');
      expect(b.message).toContain('input "images" dim 3 is 16, expected 32');
      const c = await codeOf(loadModel(swapped.dir));
      expect(c.code).toBe('GRAPH_MISMATCH');
      expect(c.message).toContain('unexpected input "input_ids"');
    } finally {
      await Promise.all([layers.cleanup(), width.cleanup(), swapped.cleanup()]);
    }
  });

  it('rejects a manifest whose special ids disagree with the tokenizer', async () => {
    const t = await tempCheckpoint('micro-mgm', (m) => {
      m.special_tokens.eos_id = 5;
    });
    try {
      expect((await codeOf(loadModel(t.dir))).code).toBe('MANIFEST_INVALID');
    } finally {
      await t.cleanup();
    }
  });
});

describe('execution providers', () => {
  it('parses cpu, cuda, cuda:N, webgpu and rejects anything else', () => {
    expect(parseDevice(undefined).device).toBe('cpu');
    expect(parseDevice('cuda').providers).toEqual([{ name: 'cuda', deviceId: 0 }]);
    expect(parseDevice('CUDA:3').device).toBe('cuda:3');
    expect(parseDevice('webgpu').executionProvider).toBe('WebGpuExecutionProvider');
    expect(() => parseDevice('tpu')).toThrow(/unknown device/);
  });

  it('PROVIDER_UNAVAILABLE with install instructions when the CUDA libraries were not installed', () => {
    const backends = [
      { name: 'cpu', bundled: true },
      { name: 'cuda', bundled: false },
    ];
    const check = (exists: boolean) => () => assertProviderAvailable(parseDevice('cuda:1'), backends, () => exists, '/ort/bin');
    expect(check(false)).toThrow(/ONNXRUNTIME_NODE_INSTALL=cuda12/);
    expect(check(true)).not.toThrow();
    expect(() => assertProviderAvailable(parseDevice('webgpu'), backends, () => true, '/x')).toThrow(/not built into/);
  });

  it.runIf(!existsSync(path.join(onnxruntimeBinDir(), 'libonnxruntime_providers_cuda.so')))(
    'refuses to load on cuda here (no CUDA libraries installed) instead of falling back to the CPU',
    async () => {
      const e = await codeOf(loadModel(path.join(FIXTURES, 'micro-mgm'), { device: 'cuda' }));
      expect(e.code).toBe('PROVIDER_UNAVAILABLE');
      expect(e.message).toContain('install.js');
    },
  );
});
