import { describe, expect, it } from 'vitest';
import type { EvaluationResult, EvaluationRun } from './evaluation-run.ts';
import { evalJsonLine, median, summarizeRun } from './run-summary.ts';
import { aggregate } from './scoring.ts';
import { wilsonInterval } from './wilson.ts';

const run: EvaluationRun = {
  id: 'run-00000001',
  createdAt: 1000,
  updatedAt: 1000,
  finishedAt: null,
  status: 'running',
  reason: null,
  set: { kind: 'shipped', id: null, name: 'models/eval', size: 10 },
  models: ['a', 'b'],
  dtypes: { a: 'fp32', b: 'q8' },
  params: { temperature: 0, topP: 0.7, topK: 0, repetitionPenalty: 1, maxNewTokens: 512 },
  imageMode: 'default',
  limit: null,
  sample: null,
  questions: 4,
};

function result(model: string, index: number, type: string, score: number, extra: Partial<EvaluationResult> = {}): EvaluationResult {
  return {
    model,
    index,
    questionId: `q${index}`,
    type,
    question: 'q?',
    history: [],
    reference: 'x',
    answer: 'y',
    score,
    finishReason: 'stop',
    error: null,
    tokens: { prompt: 10, visual: 4, generated: 3 },
    ttftMs: 10 + index,
    tokensPerSecond: 100 + index,
    totalMs: 50,
    imageId: 'a'.repeat(64),
    jobId: `j${index}`,
    workerId: 'w',
    at: 3000 + index * 100,
    ...extra,
  };
}

describe('summarizeRun', () => {
  const results = [
    result('a', 0, 'shape', 1),
    result('a', 1, 'shape', 0),
    result('a', 2, 'description', 0.5),
    result('b', 0, 'shape', 1),
    result('b', 1, 'shape', 0, { error: { code: 'WORKER_FAILED', message: 'x' }, tokensPerSecond: null, ttftMs: null, finishReason: null }),
  ];

  it('scores each model exactly as mgm eval aggregates, with progress, intervals and speed', () => {
    const [a, b] = summarizeRun(run, results);
    expect(a!.score).toEqual(aggregate(results.filter((r) => r.model === 'a')));
    expect(a!.done).toBe(3);
    expect(a!.total).toBe(4);
    expect(a!.failures).toBe(0);
    expect(a!.overallInterval).toEqual(wilsonInterval(1, 2));
    expect(a!.byType.find((t) => t.type === 'shape')!.interval).toEqual(wilsonInterval(1, 2));
    // One F1 score: no spread, so the interval is the point.
    expect(a!.byType.find((t) => t.type === 'description')!.interval).toEqual({ low: 0.5, high: 0.5 });
    expect(a!.medianTtftMs).toBe(11);
    expect(a!.medianTokensPerSecond).toBe(101);
    expect(a!.seconds).toBe(2.2);
    expect(b!.failures).toBe(1);
    // A failed answer does not count in the speed figures.
    expect(b!.medianTtftMs).toBe(10);
    expect(evalJsonLine(b!)).toEqual({ model: 'b', dtype: 'q8', ...aggregate(results.filter((r) => r.model === 'b')), seconds: 2.1 });
  });

  it('median of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
