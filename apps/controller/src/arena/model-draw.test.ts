import { describe, expect, it } from 'vitest';
import type { ModelSummary } from '@mgm/protocol';
import { seededRandom } from '@mgm/protocol';
import { arenaCandidates, drawPair, parseArenaWeights } from './model-draw.ts';

function summary(id: string, overrides: Partial<ModelSummary> = {}): ModelSummary {
  return {
    id,
    displayName: id.toUpperCase(),
    architecture: 'mgm',
    template: 'vicuna_v1',
    workers: 1,
    ready: 1,
    visualTokens: 36,
    contextLength: 512,
    lrSize: 48,
    hrSize: 192,
    capabilities: ['image', 'multi-turn'],
    ...overrides,
  };
}

describe('parseArenaWeights', () => {
  it('reads model=weight pairs', () => {
    expect(parseArenaWeights(' mgm-tiny=2, llava-tiny=0.5 ,mgm-tiny-hd=0,')).toEqual({ 'mgm-tiny': 2, 'llava-tiny': 0.5, 'mgm-tiny-hd': 0 });
    expect(parseArenaWeights(undefined)).toEqual({});
    expect(parseArenaWeights('')).toEqual({});
  });

  it('explains a malformed entry', () => {
    expect(() => parseArenaWeights('mgm-tiny:2')).toThrow(/"mgm-tiny:2" is not model=weight/);
    expect(() => parseArenaWeights('mgm-tiny=-1')).toThrow(/not model=weight/);
    expect(() => parseArenaWeights('bad/name=1')).toThrow(/not model=weight/);
  });
});

describe('arenaCandidates', () => {
  it('keeps models with a ready worker and a positive weight, and image models when an image is attached', () => {
    const models = [
      summary('a'),
      summary('b', { ready: 0 }),
      summary('c', { capabilities: ['multi-turn'] }),
      summary('d'),
    ];
    expect(arenaCandidates(models, { d: 0 }, true).map((c) => c.id)).toEqual(['a']);
    expect(arenaCandidates(models, { a: 3 }, false)).toEqual([
      { id: 'a', displayName: 'A', weight: 3 },
      { id: 'c', displayName: 'C', weight: 1 },
      { id: 'd', displayName: 'D', weight: 1 },
    ]);
  });
});

describe('drawPair', () => {
  it('needs two models', () => {
    expect(() => drawPair([], Math.random)).toThrow(/none is being served/);
    expect(() => drawPair([{ id: 'a', displayName: 'A', weight: 1 }], Math.random)).toThrow(/only one/);
  });

  it('draws two different models by weight and shuffles the sides', () => {
    // Weights x 4, y 1, z 1. P(x in the pair) = 4/6 + 2 · (1/6 · 4/5) = 14/15 = 0.933;
    // P(y in the pair) = 1/6 + 4/6 · 1/2 + 1/6 · 1/5 = 8/15 = 0.533.
    const candidates = [
      { id: 'x', displayName: 'X', weight: 4 },
      { id: 'y', displayName: 'Y', weight: 1 },
      { id: 'z', displayName: 'Z', weight: 1 },
    ];
    const random = seededRandom(3);
    const draws = 20_000;
    const seen = { x: 0, y: 0, z: 0 };
    let xOnSideA = 0;
    for (let i = 0; i < draws; i += 1) {
      const [a, b] = drawPair(candidates, random);
      expect(a.id).not.toBe(b.id);
      seen[a.id as 'x'] += 1;
      seen[b.id as 'x'] += 1;
      if (a.id === 'x') xOnSideA += 1;
    }
    expect(Math.abs(seen.x / draws - 14 / 15)).toBeLessThan(0.01);
    expect(Math.abs(seen.y / draws - 8 / 15)).toBeLessThan(0.015);
    expect(Math.abs(xOnSideA / seen.x - 0.5)).toBeLessThan(0.015);
  });
});
