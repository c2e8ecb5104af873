/**
 * Logits processors, in the order Hugging Face's generate() applies them: repetition penalty,
 * then the warpers temperature, top-k, top-p. Each edits the scores of the last position in
 * place; a removed token gets -Infinity.
 */
export interface LogitsProcessor {
  process(scores: Float32Array): void;
}

/**
 * CTRL's repetition penalty (HF RepetitionPenaltyLogitsProcessor) over the generated ids. MGM
 * calls generate() with inputs_embeds, so HF's input_ids, and with them the penalty, cover only
 * the generated tokens, not the prompt.
 */
export class RepetitionPenaltyProcessor implements LogitsProcessor {
  private readonly seen: Uint8Array;
  private readonly ids: number[] = [];

  constructor(
    private readonly penalty: number,
    vocabSize: number,
  ) {
    this.seen = new Uint8Array(vocabSize);
  }

  observe(id: number): void {
    if (id >= 0 && id < this.seen.length && this.seen[id] === 0) {
      this.seen[id] = 1;
      this.ids.push(id);
    }
  }

  process(scores: Float32Array): void {
    const p = this.penalty;
    for (const id of this.ids) {
      const s = scores[id] as number;
      scores[id] = s < 0 ? s * p : s / p;
    }
  }
}

export class TemperatureProcessor implements LogitsProcessor {
  constructor(private readonly temperature: number) {}

  process(scores: Float32Array): void {
    const inv = 1 / this.temperature;
    for (let i = 0; i < scores.length; i++) scores[i] = (scores[i] as number) * inv;
  }
}

/** Keeps the k highest scores (ties with the k-th kept, as HF does). */
export class TopKProcessor implements LogitsProcessor {
  private scratch: Float32Array = new Float32Array(0);

  constructor(private readonly k: number) {}

  process(scores: Float32Array): void {
    if (this.k <= 0 || this.k >= scores.length) return;
    if (this.scratch.length !== scores.length) this.scratch = new Float32Array(scores.length);
    this.scratch.set(scores);
    const threshold = kthLargest(this.scratch, this.k);
    for (let i = 0; i < scores.length; i++) if ((scores[i] as number) < threshold) scores[i] = -Infinity;
  }
}

/**
 * Nucleus filter: keeps the smallest set of highest-probability tokens whose mass reaches p.
 * Sorting a 256k vocabulary every token is slow, so candidates are gathered above a probability
 * floor that is lowered until they hold mass p: tokens below the floor are less likely than
 * every candidate, so the kept set is exactly the one a full sort gives.
 */
export class TopPProcessor implements LogitsProcessor {
  private probs: Float32Array = new Float32Array(0);
  private candidates: Int32Array = new Int32Array(0);

  constructor(private readonly p: number) {}

  process(scores: Float32Array): void {
    if (this.p >= 1) return;
    const n = scores.length;
    if (this.probs.length !== n) {
      this.probs = new Float32Array(n);
      this.candidates = new Int32Array(n);
    }
    let max = -Infinity;
    for (let i = 0; i < n; i++) if ((scores[i] as number) > max) max = scores[i] as number;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp((scores[i] as number) - max);
      this.probs[i] = e;
      total += e;
    }
    const target = this.p * total;
    let floor = total * 1e-3;
    for (;;) {
      let count = 0;
      let mass = 0;
      for (let i = 0; i < n; i++) {
        const q = this.probs[i] as number;
        if (q >= floor) {
          this.candidates[count++] = i;
          mass += q;
        }
      }
      if (mass >= target || floor === 0) {
        const probs = this.probs;
        const sorted = Array.from(this.candidates.subarray(0, count)).sort((a, b) => (probs[b] as number) - (probs[a] as number));
        let cum = 0;
        let kept = 0;
        while (kept < sorted.length && cum < target) cum += probs[sorted[kept++] as number] as number;
        const cutoff = probs[sorted[Math.max(1, kept) - 1] as number] as number;
        for (let i = 0; i < n; i++) if ((probs[i] as number) < cutoff) scores[i] = -Infinity;
        return;
      }
      floor = floor < total * 1e-12 ? 0 : floor / 1000;
    }
  }
}

/** Hoare's quickselect on a scratch copy: the k-th largest value (1-based). */
export function kthLargest(values: Float32Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) > pivot) i++;
      while ((values[j] as number) < pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i] = values[j] as number;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return values[target] as number;
}
