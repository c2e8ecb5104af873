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
    expect(batchSummary(batch)).toEqual({ occupancy: '3/8 in batch', kv: 'KV 1.3 MB of 18.0 MB · 40% reserved', reservedPercent: 40, prefixCache: null });
  });

  it('gives the prefix cache\'s hit rates and memory, or says it is off', () => {
    const prefixCache = {
      enabled: true,
      lookups: 8,
      hits: 6,
      promptTokens: 2000,
      reusedTokens: 1500,
      imageLookups: 8,
      imageHits: 6,
      entries: 3,
      tokens: 700,
      bytes: 700 * 4608,
      maxTokens: 4096,
      evictions: 0,
    };
    expect(batchSummary({ ...batch, prefixCache }).prefixCache).toBe('Prefix cache 75% hits · 75% of prompt · 3.1 MB');
    expect(batchSummary({ ...batch, prefixCache: { ...prefixCache, lookups: 0, hits: 0, promptTokens: 0, reusedTokens: 0, bytes: 0 } }).prefixCache).toBe(
      'Prefix cache – hits · – of prompt · 0 B',
    );
    expect(batchSummary({ ...batch, prefixCache: { ...prefixCache, enabled: false } }).prefixCache).toBe('Prefix cache off');
  });

  it('counts the jobs waiting for a slot or KV budget', () => {
    expect(batchSummary({ ...batch, running: 8, waiting: 2 }).occupancy).toBe('8/8 in batch · 2 waiting');
  });
});
