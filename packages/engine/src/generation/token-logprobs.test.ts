import { describe, expect, it } from 'vitest';
import { logprobsOf } from './token-logprobs.ts';

describe('logprobsOf', () => {
  it('is the log-softmax at the chosen id, with the most likely tokens first', () => {
    const logits = new Float32Array([1, 3, 2, 3, -5]);
    const z = Math.log([1, 3, 2, 3, -5].reduce((s, v) => s + Math.exp(v), 0));
    const r = logprobsOf(logits, 2, 3);
    expect(r.id).toBe(2);
    expect(r.logprob).toBeCloseTo(2 - z, 6);
    expect(r.top.map((t) => t.id)).toEqual([1, 3, 2]);
    expect(r.top[0]!.logprob).toBeCloseTo(3 - z, 6);
    expect(Array.from(logits)).toEqual([1, 3, 2, 3, -5]);
  });

  it('sums to one over the vocabulary and handles large logits and no alternatives', () => {
    const logits = new Float32Array([1000, 999, 998]);
    const all = [0, 1, 2].map((id) => Math.exp(logprobsOf(logits, id, 0).logprob));
    expect(all.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(logprobsOf(logits, 0, 0).top).toEqual([]);
    expect(logprobsOf(logits, 0, 10).top).toHaveLength(3);
  });
});
