import { describe, expect, it } from 'vitest';
import { RELEASED_CHECKPOINTS } from './released-checkpoints.ts';
import { ZOO, findZooEntry, getZooEntry } from './zoo.ts';
import { zooEntrySchema } from './zoo-entry.ts';

const EXPECTED: [string, string, string][] = [
  ['MGM-2B', 'Gemma-2B', 'gemma'],
  ['MGM-7B', 'Vicuna-7B-v1.5', 'vicuna_v1'],
  ['MGM-7B-HD', 'Vicuna-7B-v1.5', 'vicuna_v1'],
  ['MGM-13B', 'Vicuna-13B-v1.5', 'vicuna_v1'],
  ['MGM-13B-HD', 'Vicuna-13B-v1.5', 'vicuna_v1'],
  ['MGM-8B', 'LLaMA-3-8B-Instruct', 'llama_3'],
  ['MGM-8B-HD', 'LLaMA-3-8B-Instruct', 'llama_3'],
  ['MGM-8x7B', 'Mixtral-8x7B-Instruct-v0.1', 'mistral_instruct'],
  ['MGM-8x7B-HD', 'Mixtral-8x7B-Instruct-v0.1', 'mistral_instruct'],
  ['MGM-34B', 'Nous-Hermes-2-Yi-34B', 'chatml_direct'],
  ['MGM-34B-HD', 'Nous-Hermes-2-Yi-34B', 'chatml_direct'],
];

describe('the zoo', () => {
  it('validates and has unique names and folders', () => {
    for (const e of ZOO) expect(zooEntrySchema.parse(e)).toEqual(e);
    expect(new Set(ZOO.map((e) => e.name.toLowerCase())).size).toBe(ZOO.length);
    expect(new Set(ZOO.map((e) => e.folder)).size).toBe(ZOO.length);
  });

  it.each(EXPECTED)('%s: base LLM %s, template %s', (name, llm, template) => {
    const e = getZooEntry(name);
    expect(e.kind).toBe('released');
    expect(e.baseLlm).toBe(llm);
    expect(e.template).toBe(template);
    expect(e.weights).toBe(`YanweiLi/${name}`);
  });

  it('lists exactly the released checkpoints of the MGM model zoo', () => {
    expect(RELEASED_CHECKPOINTS.map((e) => e.name).sort()).toEqual(EXPECTED.map(([n]) => n).sort());
  });

  it('normal checkpoints are LR 336 / HR 768 with 576 tokens; HD are 672 as 2x2 + global / HR 1536 with 2880', () => {
    for (const e of RELEASED_CHECKPOINTS) {
      if (e.hd) {
        expect(e.image).toEqual({ lrSize: 336, hrSize: 1536, grid: 2, globalView: true, tokensPerView: 576, visualTokens: 2880 });
        expect(e.name.endsWith('-HD')).toBe(true);
      } else {
        expect(e.image).toEqual({ lrSize: 336, hrSize: 768, grid: 1, globalView: false, tokensPerView: 576, visualTokens: 576 });
      }
    }
  });

  it('carries the published figures, null where none were published', () => {
    const hd7 = getZooEntry('MGM-7B-HD').benchmarks;
    expect(hd7).toEqual({ textvqa: 68.4, mmb: 65.8, mme: { perception: 1546, cognition: 319 }, mmvet: 41.3, mmmuVal: 36.8, mmmuTest: 32.9, mathvista: 32.2 });
    const b8hd = getZooEntry('MGM-8B-HD').benchmarks;
    expect(b8hd?.mmb).toBeNull();
    expect(b8hd?.mathvista).toBeNull();
    expect(getZooEntry('MGM-8B').benchmarks?.mathvista).toBeNull();
    for (const e of RELEASED_CHECKPOINTS) {
      expect(e.benchmarksSource).toMatch(/MGM/);
      for (const v of [e.benchmarks?.textvqa, e.benchmarks?.mmb, e.benchmarks?.mmvet, e.benchmarks?.mmmuVal]) {
        if (v === null || v === undefined) continue;
        expect(v).toBeGreaterThan(0);
        expect(v).toBeLessThan(100);
      }
    }
  });

  it('finds entries case-insensitively and by Hugging Face id', () => {
    expect(findZooEntry('mgm-7b-hd')?.name).toBe('MGM-7B-HD');
    expect(findZooEntry('YanweiLi/MGM-34B')?.name).toBe('MGM-34B');
    expect(findZooEntry('MGM-7B-XL')).toBeUndefined();
    expect(() => getZooEntry('MGM-7B-XL')).toThrow(/not in the model zoo/);
  });
});
