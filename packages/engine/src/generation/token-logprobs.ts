/** A token id and its log-probability. */
export interface IdLogprob {
  id: number;
  logprob: number;
}

/** The chosen token's log-probability and the `top` most likely tokens, most likely first. */
export interface ChosenLogprob extends IdLogprob {
  top: IdLogprob[];
}

/**
 * Log-softmax of a logits row at `id`, with the `top` most likely tokens (ties: lower id first).
 * `logits` is the raw row (before any logits processor); it is not modified.
 */
export function logprobsOf(logits: Float32Array, id: number, top: number): ChosenLogprob {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  const logZ = max + Math.log(sum);
  const best: IdLogprob[] = [];
  if (top > 0) {
    for (let i = 0; i < logits.length; i++) {
      const v = logits[i]!;
      if (best.length === top && v <= best[top - 1]!.logprob) continue;
      let at = best.length;
      while (at > 0 && best[at - 1]!.logprob < v) at--;
      best.splice(at, 0, { id: i, logprob: v });
      if (best.length > top) best.pop();
    }
  }
  return { id, logprob: logits[id]! - logZ, top: best.map((b) => ({ id: b.id, logprob: b.logprob - logZ })) };
}
