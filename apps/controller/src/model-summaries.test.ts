import { describe, expect, it } from 'vitest';
import type { WorkerRecord } from '@mgm/protocol';
import { sampleWorkerRecord } from '../test/sample-worker-record.ts';
import { summarizeModels } from './model-summaries.ts';

function record(id: string, model: string, state: WorkerRecord['state'], startedAt: number, displayName = model): WorkerRecord {
  return sampleWorkerRecord({ id, model, displayName, state, startedAt, heartbeatAt: startedAt });
}

describe('summarizeModels', () => {
  it('counts workers and ready workers per model, described by the newest worker', () => {
    const summaries = summarizeModels([
      record('b1', 'beta', 'paused', 1),
      record('a1', 'alpha', 'ready', 1, 'Old Alpha'),
      record('a2', 'alpha', 'loading', 5, 'New Alpha'),
      record('a3', 'alpha', 'ready', 2, 'Old Alpha'),
    ]);
    expect(summaries.map((s) => [s.id, s.workers, s.ready, s.displayName])).toEqual([
      ['alpha', 3, 2, 'New Alpha'],
      ['beta', 1, 0, 'beta'],
    ]);
  });

  it('carries the checkpoint\'s measured evaluation of the newest worker, null when it has none', () => {
    const evaluation = { n: 800, overall: 0.5, byType: [{ type: 'count', n: 157, metric: 'accuracy' as const, value: 0.84 }] };
    const [alpha, beta] = summarizeModels([
      { ...record('a1', 'alpha', 'ready', 1), evaluation: null },
      { ...record('a2', 'alpha', 'ready', 2), evaluation },
      record('b1', 'beta', 'ready', 1),
    ]);
    expect(alpha?.evaluation).toEqual(evaluation);
    expect(beta?.evaluation).toBeNull();
  });

  it('is empty without workers', () => {
    expect(summarizeModels([])).toEqual([]);
  });
});
