import { describe, expect, it } from 'vitest';
import { aggregate, exactMatch, normaliseAnswer, scoreAnswer, tokenF1 } from './scoring.ts';

describe('eval scoring (tools/mgm-tiny/evaluate.py rules)', () => {
  it('normalises like normalise_answer: strip, lowercase, trailing dots', () => {
    expect(normaliseAnswer('  Top Right.. ')).toBe('top right');
    expect(exactMatch(' Triangle.', 'triangle')).toBe(1);
    expect(exactMatch('3 shapes', '3')).toBe(0);
  });

  it('token F1 counts shared tokens with multiplicity', () => {
    expect(tokenF1('a red circle', 'a red circle.')).toBe(1);
    expect(tokenF1('a red a', 'a blue circle')).toBeCloseTo((2 * (1 / 3) * (1 / 3)) / (2 / 3));
    expect(tokenF1('', 'x')).toBe(0);
    // "shapes" is not "shapes:": whitespace tokens, as Python's str.split().
    expect(scoreAnswer('description', 'two shapes', 'Two shapes: a circle')).toBeCloseTo(1 / 3);
    expect(scoreAnswer('count', 'two', '2')).toBe(0);
  });

  it('overall is exact match over the short-answer types only', () => {
    const s = aggregate([
      { type: 'shape', score: 1 },
      { type: 'text', score: 0 },
      { type: 'text', score: 1 },
      { type: 'description', score: 0.5 },
    ]);
    expect(s.n).toBe(4);
    expect(s.overall).toBeCloseTo(2 / 3);
    expect(s.by_type).toEqual({
      description: { n: 1, metric: 'f1', accuracy: 0.5 },
      shape: { n: 1, metric: 'exact', accuracy: 1 },
      text: { n: 2, metric: 'exact', accuracy: 0.5 },
    });
  });
});
