import { describe, expect, it } from 'vitest';
import { batchSummary } from './batch-format.ts';

const batch = {
  maxBatch: 8,
  running: 3,
  waiting: 0,
  kvTokensUsed: 300,
  kvTokensReserved: 1638,
  kvTokensBudget: 4096,
  kvBytesPerToken: 4608,
  stepsByBatchSize: [0, 4, 9],
  layout: 'exact' as const,
};

describe('batchSummary', () => {
  it('says how full the batch and the KV budget are', () => {
    expect(batchSummary(batch)).toEqual({ occupancy: '3/8 in batch', kv: 'KV 1.3 MB of 18.0 MB · 40% reserved', reservedPercent: 40 });
  });

  it('counts the jobs waiting for a slot or KV budget', () => {
    expect(batchSummary({ ...batch, running: 8, waiting: 2 }).occupancy).toBe('8/8 in batch · 2 waiting');
  });
});
