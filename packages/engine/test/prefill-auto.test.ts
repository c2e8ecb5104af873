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

  it('gives the thread to a batching model and not to one at a time', async () => {
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

describe('the prefill thread starts on demand', () => {
  const question = (maxNewTokens: number) => ({ messages: [{ role: 'user' as const, content: 'Tell me everything.' }], image: null, params: { temperature: 0, maxNewTokens } });

  it('not at load nor for a lone question; at the first question that arrives while another decodes', async () => {
    const model = await loadModel(path.join(FIXTURES, 'micro-mgm'), { maxBatch: 4, intraOpThreads: 1, prefillThread: true });
    try {
      expect(model.prefillConcurrent).toBe(true);
      expect(model.prefillThreadStarted).toBe(false);
      await model.generate(question(4)).result;
      expect(model.prefillThreadStarted).toBe(false);
      // A long answer decoding (its first token is out), then a second question: that one wants the thread.
      const long = model.generate(question(400));
      const deltas = long[Symbol.asyncIterator]();
      await deltas.next();
      const second = await model.generate(question(4)).result;
      while (!(await deltas.next()).done);
      expect((await long.result).tokens.generated).toBeGreaterThan(second.tokens.generated);
      for (let i = 0; i < 100 && !model.prefillThreadStarted; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(model.prefillThreadStarted).toBe(true);
    } finally {
      await model.close();
    }
  }, 60_000);
});
