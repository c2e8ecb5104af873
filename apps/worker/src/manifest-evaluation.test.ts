import { describe, expect, it } from 'vitest';
import { evaluationFromManifest } from './manifest-evaluation.ts';

describe('evaluationFromManifest', () => {
  it('reads the eval block: overall and a score per question type, accuracy or F1', () => {
    const evaluation = evaluationFromManifest({
      model: 'm',
      n: 800,
      overall: 0.55,
      by_type: { text: { n: 75, accuracy: 0.39 }, description: { n: 53, f1: 0.87 } },
      seconds: 128,
    });
    expect(evaluation).toEqual({
      n: 800,
      overall: 0.55,
      byType: [
        { type: 'description', n: 53, metric: 'f1', value: 0.87 },
        { type: 'text', n: 75, metric: 'accuracy', value: 0.39 },
      ],
    });
  });

  it('is null without an eval block or with one of another shape', () => {
    expect(evaluationFromManifest(undefined)).toBeNull();
    expect(evaluationFromManifest({ overall: 'high' })).toBeNull();
  });
});
