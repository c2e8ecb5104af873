import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/index.ts';
import { loadFixture } from './fixture-checkpoint.ts';

const Q = [{ role: 'user' as const, content: 'What is in the picture?' }];

describe('MgmModel admission (max batch, KV budget)', () => {
  it('a request waits for a free slot; stopped while waiting, it ends with abort and no token', async () => {
    const { dir, image } = await loadFixture('micro-mgm');
    const model = await loadModel(dir, { maxBatch: 1 });
    const first = model.generate({ messages: Q, image, params: { temperature: 0, maxNewTokens: 64 } });
    const stop = new AbortController();
    const second = model.generate({ messages: Q, image, params: { temperature: 0, maxNewTokens: 8 } }, { signal: stop.signal });
    await new Promise((r) => setTimeout(r, 0));
    expect(model.batchStats()).toMatchObject({ running: 1, waiting: 1, maxBatch: 1 });
    stop.abort();
    const r2 = await second.result;
    expect(r2).toMatchObject({ finishReason: 'abort', tokens: { generated: 0 } });
    expect((await first.result).tokens.generated).toBeGreaterThan(0);
    expect(model.batchStats()).toMatchObject({ running: 0, waiting: 0, kvTokensReserved: 0 });
    await model.close();
  });

  it('reserves prompt + max new tokens of the KV budget; a request that can never fit fails with PROMPT_TOO_LONG', async () => {
    const { dir, image, ref } = await loadFixture('micro-mgm');
    const promptLength = ref.prompt_ids.length + 16;
    const model = await loadModel(dir, { maxBatch: 4, kvBudgetTokens: promptLength + 8 });
    const fits = model.generate({ messages: Q, image, params: { temperature: 0, maxNewTokens: 8 } });
    await new Promise((r) => setTimeout(r, 0));
    expect(model.batchStats().kvTokensReserved).toBe(promptLength + 8);
    await fits.result;
    await expect(model.generate({ messages: Q, image, params: { temperature: 0, maxNewTokens: 9 } }).result).rejects.toMatchObject({ code: 'PROMPT_TOO_LONG' });
    await model.close();
  });
});
