import { seededRandom } from '@mgm/protocol';

export interface QuestionSelection {
  /** The first N questions, as `mgm eval --limit N`. */
  limit?: number;
  /** N questions drawn at random (seeded, so a run can be repeated), kept in file order. */
  sample?: { size: number; seed: number };
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
