import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { MINING_ATTENTION, assertGraphContract, graphContracts } from '../src/graph-contract.ts';
import { manifestSchema } from '../src/manifest.ts';

async function manifestOf(name: string) {
  return manifestSchema.parse(JSON.parse(await readFile(new URL(`../../../models/${name}/mgm.json`, import.meta.url), 'utf8')));
}

function visionSession(outputs: { name: string; shape: (number | string)[] }[]) {
  return {
    inputNames: ['images', 'images_aux'],
    outputNames: outputs.map((o) => o.name),
    outputMetadata: outputs.map((o) => ({ name: o.name, isTensor: true as const, type: 'float32' as const, shape: o.shape })),
  };
}

describe('the vision graph contract and the optional mining attention (the lens)', () => {
  it('accepts an mgm vision graph with or without mining_attention [B, views, N, M]', async () => {
    const m = await manifestOf('mgm-tiny-hd');
    const vision = graphContracts(m).find((c) => c.graph === 'vision')!;
    const features = { name: 'image_features', shape: ['batch', m.image.visual_tokens, m.llm.hidden_size] };
    expect(() => assertGraphContract(vision, visionSession([features]), 'vision.onnx')).not.toThrow();
    const att = { name: MINING_ATTENTION, shape: ['batch', m.image.views, m.image.tokens_per_view, 64] };
    expect(() => assertGraphContract(vision, visionSession([features, att]), 'vision.onnx')).not.toThrow();
  });

  it('refuses a mining_attention of the wrong layout, and one on a checkpoint without mining', async () => {
    const m = await manifestOf('mgm-tiny-hd');
    const vision = graphContracts(m).find((c) => c.graph === 'vision')!;
    const features = { name: 'image_features', shape: ['batch', m.image.visual_tokens, m.llm.hidden_size] };
    const flat = { name: MINING_ATTENTION, shape: ['batch', m.image.visual_tokens, 64] };
    expect(() => assertGraphContract(vision, visionSession([features, flat]), 'vision.onnx')).toThrow(/mining_attention" has rank 3/);
    const llava = await manifestOf('llava-tiny');
    const llavaVision = graphContracts(llava).find((c) => c.graph === 'vision')!;
    const session = { ...visionSession([features, { name: MINING_ATTENTION, shape: ['batch', 1, 36, 64] }]), inputNames: ['images'] };
    expect(() => assertGraphContract(llavaVision, session, 'vision.onnx')).toThrow(/unexpected output "mining_attention"/);
  });
});
