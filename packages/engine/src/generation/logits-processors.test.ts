import { describe, expect, it } from 'vitest';
import { RepetitionPenaltyProcessor, TemperatureProcessor, TopKProcessor, TopPProcessor, kthLargest } from './logits-processors.ts';
import { Prng } from './prng.ts';
import { argmax, sampleFromScores } from './sampler.ts';
import { TokenSelector } from './token-selector.ts';

function randomScores(n: number, seed: number, scale = 4): Float32Array {
  const r = new Prng(seed);
  return Float32Array.from({ length: n }, () => (r.next() - 0.5) * scale);
}

/** Reference nucleus by a full sort (HF's definition). */
function nucleus(scores: Float32Array, p: number): Set<number> {
  const max = Math.max(...scores);
  const probs = Array.from(scores, (s) => Math.exp(s - max));
  const total = probs.reduce((a, b) => a + b, 0);
  const order = probs.map((_, i) => i).sort((a, b) => (probs[b] as number) - (probs[a] as number));
  const keep = new Set<number>();
  let cum = 0;
  for (const i of order) {
    if (cum >= p * total) break;
    keep.add(i);
    cum += probs[i] as number;
  }
  return keep;
}

describe('logits processors', () => {
  it('top-p keeps exactly the nucleus a full sort gives, on peaked and flat distributions', () => {
    for (const [seed, scale, p] of [[1, 4, 0.7], [2, 30, 0.9], [3, 0.01, 0.5], [4, 8, 0.999]] as const) {
      const scores = randomScores(5000, seed, scale);
      const want = nucleus(scores, p);
      new TopPProcessor(p).process(scores);
      const kept = new Set<number>();
      scores.forEach((s, i) => s !== -Infinity && kept.add(i));
      expect(kept).toEqual(want);
    }
  });

  it('top-k keeps the k best', () => {
    const scores = randomScores(1000, 5);
    const sorted = Array.from(scores).sort((a, b) => b - a);
    new TopKProcessor(10).process(scores);
    const kept = Array.from(scores).filter((s) => s !== -Infinity).sort((a, b) => b - a);
    expect(kept).toEqual(sorted.slice(0, 10));
    expect(kthLargest(Float32Array.from([3, 1, 2, 5, 4]), 2)).toBe(4);
  });

  it('temperature divides and the repetition penalty follows CTRL (divide positives, multiply negatives)', () => {
    const s = Float32Array.from([2, -2, 1]);
    new TemperatureProcessor(0.5).process(s);
    expect(Array.from(s)).toEqual([4, -4, 2]);
    const rep = new RepetitionPenaltyProcessor(2, 3);
    rep.observe(0);
    rep.observe(1);
    rep.process(s);
    expect(Array.from(s)).toEqual([2, -8, 2]);
  });

  it('argmax takes the first maximum; sampling never draws a removed token', () => {
    expect(argmax(Float32Array.from([1, 3, 3, 0]))).toBe(1);
    const s = Float32Array.from([0, -Infinity, 0, -Infinity]);
    const r = new Prng(9);
    for (let i = 0; i < 200; i++) expect([0, 2]).toContain(sampleFromScores(s, r));
  });

  it('samples reproducibly for a seed, differently for another, greedy at temperature <= 0.001', () => {
    const draw = (seed: number, temperature: number): number[] => {
      const sel = new TokenSelector({ temperature, topP: 0.95, topK: 0, repetitionPenalty: 1, seed }, 500, () => 0);
      return Array.from({ length: 30 }, (_, i) => sel.select(randomScores(500, 100 + i, 3)));
    };
    expect(draw(42, 1)).toEqual(draw(42, 1));
    expect(draw(42, 1)).not.toEqual(draw(43, 1));
    const greedy = Array.from({ length: 30 }, (_, i) => argmax(randomScores(500, 100 + i, 3)));
    expect(draw(1, 0.001)).toEqual(greedy);
    expect(draw(2, 0)).toEqual(greedy);
  });

  it('draws tokens with their softmax probabilities', () => {
    const s = Float32Array.from([Math.log(0.7), Math.log(0.2), Math.log(0.1)]);
    const r = new Prng(123);
    const counts = [0, 0, 0];
    for (let i = 0; i < 20000; i++) (counts[sampleFromScores(s, r)] as number)++;
    expect(counts[0]! / 20000).toBeCloseTo(0.7, 1);
    expect(counts[2]! / 20000).toBeCloseTo(0.1, 1);
  });
});
