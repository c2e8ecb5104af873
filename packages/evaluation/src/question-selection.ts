export interface QuestionSelection {
  /** The first N questions, as `mgm eval --limit N`. */
  limit?: number;
  /** N questions drawn at random (seeded, so a run can be repeated), kept in file order. */
  sample?: { size: number; seed: number };
}

/** mulberry32: a small seeded PRNG, the same sequence on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The questions a run asks: a seeded sample and/or the first `limit`, in the set's order. The
 * CLI's in-process `mgm eval` and the controller's runs both select with this, so the same flags
 * ask the same questions.
 */
export function selectQuestions<T>(records: readonly T[], selection: QuestionSelection = {}): T[] {
  let indices = records.map((_, i) => i);
  if (selection.sample && selection.sample.size < records.length) {
    const random = seededRandom(selection.sample.seed);
    const pool = [...indices];
    // Partial Fisher–Yates: the first `size` slots are a uniform sample without replacement.
    for (let i = 0; i < selection.sample.size; i++) {
      const j = i + Math.floor(random() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    indices = pool.slice(0, selection.sample.size).sort((a, b) => a - b);
  }
  if (selection.limit !== undefined) indices = indices.slice(0, selection.limit);
  return indices.map((i) => records[i]!);
}
