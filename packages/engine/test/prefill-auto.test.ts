import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PREFILL_THREAD_AUTO_MAX_BYTES, loadModel, prefillThreadWanted } from '../src/mgm-model.ts';
import { FIXTURES } from './fixture-checkpoint.ts';

describe("prefillThread: 'auto'", () => {
  it('is on for a batching CPU model whose graphs are small, off otherwise; true / false are obeyed', () => {
    const small = { cpu: true, maxBatch: 8, graphBytes: 11e6 };
    expect(prefillThreadWanted('auto', small)).toBe(true);
    expect(prefillThreadWanted('auto', { ...small, maxBatch: 1 })).toBe(false);
    expect(prefillThreadWanted('auto', { ...small, cpu: false })).toBe(false);
    // A second copy of a big checkpoint's weights is not worth it by default.
    expect(prefillThreadWanted('auto', { ...small, graphBytes: PREFILL_THREAD_AUTO_MAX_BYTES + 1 })).toBe(false);
    expect(prefillThreadWanted(true, { ...small, maxBatch: 1 })).toBe(true);
    expect(prefillThreadWanted(false, small)).toBe(false);
  });

  it('loads the thread for a batching model and not for one at a time', async () => {
    const dir = path.join(FIXTURES, 'micro-mgm');
    const batching = await loadModel(dir, { maxBatch: 4, intraOpThreads: 1, prefillThread: 'auto' });
    const single = await loadModel(dir, { maxBatch: 1, intraOpThreads: 1, prefillThread: 'auto' });
    try {
      expect(batching.prefillConcurrent).toBe(true);
      expect(single.prefillConcurrent).toBe(false);
    } finally {
      await Promise.all([batching.close(), single.close()]);
    }
  });
});
