import path from 'node:path';
import { isMgmError } from '@mgm/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MgmModel, loadModel } from '../src/index.ts';
import { FIXTURES, loadFixture } from './fixture-checkpoint.ts';
import { tempCheckpoint } from './temp-checkpoint.ts';

const Q = [{ role: 'user' as const, content: 'What is in the picture?' }];

describe('MgmModel.generate', () => {
  let model: MgmModel;
  let fixture: Awaited<ReturnType<typeof loadFixture>>;
  beforeAll(async () => {
    fixture = await loadFixture('micro-mgm');
    model = await loadModel(fixture.dir);
  });
  afterAll(async () => {
    await model.close();
  });

  it('reports token counts and timings', async () => {
    const s = model.generate({ messages: Q, image: fixture.image, params: { temperature: 0, maxNewTokens: 8 } });
    const r = await s.result;
    expect(r.tokens).toEqual({ prompt: fixture.ref.prompt_ids.length, visual: 16, generated: 8 });
    for (const k of ['preprocess', 'vision', 'prefill', 'ttft', 'decode', 'total'] as const) {
      expect(r.timingsMs[k]).toBeGreaterThanOrEqual(0);
    }
    expect(r.timingsMs.ttft).toBeGreaterThanOrEqual(r.timingsMs.prefill);
    expect(r.timingsMs.total).toBeGreaterThanOrEqual(r.timingsMs.ttft);
    expect(r.tokensPerSecond).toBeGreaterThan(0);
  });

  it('budgets the context with the real visual token count', async () => {
    const r = await model.generate({ messages: Q, image: fixture.image, params: { temperature: 0, maxNewTokens: 4096 } }).result;
    const budget = model.info.contextLength - fixture.ref.prompt_ids.length - model.info.visualTokens;
    expect(r.finishReason).toBe('length');
    expect(r.tokens.generated).toBe(budget);
  });

  it('PROMPT_TOO_LONG before the first token: result rejects and iteration throws', async () => {
    const long = [{ role: 'user' as const, content: 'abc xyz '.repeat(200) }];
    const s = model.generate({ messages: long, image: fixture.image });
    await expect(s.result).rejects.toMatchObject({ code: 'PROMPT_TOO_LONG' });
    await expect(async () => {
      for await (const _ of s) void _;
    }).rejects.toMatchObject({ code: 'PROMPT_TOO_LONG' });
  });

  it('rejects a bad request at once with BAD_REQUEST', () => {
    const bad = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isMgmError(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(bad(() => model.generate({ messages: Q, params: { temperature: 5 } }))).toBe('BAD_REQUEST');
    expect(bad(() => model.generate({ messages: [{ role: 'assistant', content: 'hi' }] }))).toBe('BAD_REQUEST');
    expect(bad(() => model.generate({ messages: [] }))).toBe('BAD_REQUEST');
  });

  it('rejects image tensors that do not fit the checkpoint with IMAGE_INVALID', async () => {
    const wrong = { ...fixture.image, imagesAux: null, imagesAuxDims: null };
    await expect(model.generate({ messages: Q, image: wrong }).result).rejects.toMatchObject({ code: 'IMAGE_INVALID' });
  });

  it('aborts through the signal and when the consumer stops iterating', async () => {
    const ac = new AbortController();
    const s = model.generate({ messages: Q, params: { temperature: 0, maxNewTokens: 200 } }, { signal: ac.signal });
    let n = 0;
    for await (const _ of s) if (++n === 3) ac.abort();
    const r = await s.result;
    expect(r.finishReason).toBe('abort');
    expect(r.tokens.generated).toBeLessThan(200);

    const s2 = model.generate({ messages: Q, params: { temperature: 0, maxNewTokens: 200 } });
    for await (const _ of s2) break;
    const r2 = await s2.result;
    expect(r2.finishReason).toBe('abort');
    expect(r2.tokens.generated).toBeLessThan(200);
  });

  it('samples reproducibly with a seed; concurrent generations do not disturb each other', async () => {
    const p = { temperature: 0.9, topP: 0.9, topK: 40, repetitionPenalty: 1.1, maxNewTokens: 16 };
    const [a, b, c] = await Promise.all([
      model.generate({ messages: Q, params: { ...p, seed: 7 } }).result,
      model.generate({ messages: Q, params: { ...p, seed: 7 } }).result,
      model.generate({ messages: Q, params: { ...p, seed: 8 } }).result,
    ]);
    expect(a.outputIds).toEqual(b.outputIds);
    expect(a.outputIds).not.toEqual(c.outputIds);
    const greedy = await model.generate({ messages: Q, image: fixture.image, params: { temperature: 0, maxNewTokens: 24 } }).result;
    expect(greedy.outputIds).toEqual(fixture.ref.output_ids);
  });
});

describe('stop token ids', () => {
  it('ends the turn on the eos id, finishReason stop, the eos never shown', async () => {
    const { ref, image } = await loadFixture('micro-mgm');
    // Declare the 6th greedy token as this checkpoint's eos: generation must stop right there.
    const eosId = ref.output_ids[5] as number;
    const tokenizer = JSON.parse(
      await (await import('node:fs/promises')).readFile(path.join(FIXTURES, 'micro-mgm', 'tokenizer.json'), 'utf8'),
    ) as { model: { vocab: Record<string, number> } };
    const eos = Object.entries(tokenizer.model.vocab).find(([, id]) => id === eosId)?.[0] as string;
    const t = await tempCheckpoint('micro-mgm', (m) => {
      m.special_tokens.eos = eos;
      m.special_tokens.eos_id = eosId;
    });
    try {
      const model = await loadModel(t.dir);
      const r = await model.generate({ messages: Q, image, params: { temperature: 0, maxNewTokens: 24 } }).result;
      expect(r.finishReason).toBe('stop');
      expect(r.outputIds).toEqual(ref.output_ids.slice(0, 6));
      await model.close();
    } finally {
      await t.cleanup();
    }
  });
});

