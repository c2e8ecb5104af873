import { describe, expect, it } from 'vitest';
import { selectQuestions } from './question-selection.ts';

const records = Array.from({ length: 50 }, (_, i) => ({ id: i }));

describe('selectQuestions', () => {
  it('limit takes the first N, as mgm eval --limit', () => {
    expect(selectQuestions(records, { limit: 3 }).map((r) => r.id)).toEqual([0, 1, 2]);
    expect(selectQuestions(records)).toHaveLength(50);
  });

  it('a sample is seeded, without repeats, in file order, and differs by seed', () => {
    const a = selectQuestions(records, { sample: { size: 10, seed: 7 } }).map((r) => r.id);
    expect(a).toHaveLength(10);
    expect(new Set(a).size).toBe(10);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(selectQuestions(records, { sample: { size: 10, seed: 7 } }).map((r) => r.id)).toEqual(a);
    expect(selectQuestions(records, { sample: { size: 10, seed: 8 } }).map((r) => r.id)).not.toEqual(a);
    expect(a).not.toEqual(records.slice(0, 10).map((r) => r.id));
  });

  it('a sample as large as the set is the whole set', () => {
    expect(selectQuestions(records, { sample: { size: 80, seed: 1 } })).toHaveLength(50);
  });
});
