import type { Prng } from './prng.ts';

/** Index of the highest score; the first one on ties, as torch.argmax. */
export function argmax(scores: Float32Array): number {
  let best = 0;
  let bestScore = scores[0] as number;
  for (let i = 1; i < scores.length; i++) {
    const s = scores[i] as number;
    if (s > bestScore) {
      bestScore = s;
      best = i;
    }
  }
  return best;
}

/** Draws a token from softmax(scores); -Infinity scores have probability 0. */
export function sampleFromScores(scores: Float32Array, prng: Prng): number {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) if ((scores[i] as number) > max) max = scores[i] as number;
  let total = 0;
  for (let i = 0; i < scores.length; i++) total += Math.exp((scores[i] as number) - max);
  let r = prng.next() * total;
  let last = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    if (s === -Infinity) continue;
    r -= Math.exp(s - max);
    last = i;
    if (r < 0) return i;
  }
  return last;
}

/** Temperatures at or below this decode greedily (MGM's rule: `do_sample = temperature > 0.001`). */
export const GREEDY_TEMPERATURE = 0.001;
