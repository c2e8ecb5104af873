import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GenerationResult, type MgmModel, type VisionApi, loadModel } from '../src/index.ts';
import { createVision } from '../src/vision-adapter.ts';
import { EVAL, MODELS, type ReferenceRecord, conversation, readReferenceRecords } from './greedy-reference-records.ts';

type Message = { role: 'user' | 'assistant'; content: string };

/** Multi-turn records: [question 1, answer 1, question 2] on an image, with PyTorch's greedy ids for answer 2. */
const multiTurn = readReferenceRecords().filter((r) => conversation(r).length === 3);
const names = [...new Set(multiTurn.map((r) => r.model))];

/** @mgm/vision with a count of the images it preprocessed (every vision graph run starts with one). */
function countingVision(): { vision: VisionApi; preprocessed: () => number } {
  const inner = createVision();
  let n = 0;
  return {
    vision: { ...inner, preprocess: (...args) => ((n += 1), inner.preprocess(...args)) },
    preprocessed: () => n,
  };
}

const greedy = (model: MgmModel, messages: Message[], image: Uint8Array, maxNewTokens: number): Promise<GenerationResult> =>
  model.generate({ messages, image, params: { temperature: 0, maxNewTokens } }).result;

describe.runIf(multiTurn.length > 0)('prefix cache: multi-turn greedy answers are the same tokens with and without it', () => {
  const images = new Map<string, Uint8Array>();
  const open: MgmModel[] = [];
  beforeAll(async () => {
    for (const r of multiTurn) if (!images.has(r.image)) images.set(r.image, new Uint8Array(await readFile(path.join(EVAL, r.image))));
  });
  afterAll(async () => {
    for (const m of open) await m.close();
  });
  const load = async (name: string, opts: { maxBatch?: number; prefixCacheTokens?: number; vision?: VisionApi }) => {
    const m = await loadModel(path.join(MODELS, name), { intraOpThreads: 1, ...opts });
    open.push(m);
    return m;
  };

  it.each(names)('%s: turn 2 after turn 1 reuses turn 1\'s prompt, skips the vision graph and gives the reference ids', async (name) => {
    const counted = countingVision();
    const model = await load(name, { maxBatch: 1, vision: counted.vision });
    for (const r of multiTurn.filter((x) => x.model === name)) {
      const image = images.get(r.image) as Uint8Array;
      const [q1] = conversation(r);
      const before = counted.preprocessed();
      const turn1 = await greedy(model, [q1 as Message], image, 4);
      const turn2 = await greedy(model, conversation(r), image, r.output_ids.length);
      expect(turn2.outputIds, `record ${(r as ReferenceRecord & { id?: string }).id}`).toEqual(r.output_ids);
      // Turn 1's whole prompt (text + visual) is the head of turn 2's: taken from the cache.
      expect(turn2.cachedPromptTokens).toBeGreaterThanOrEqual(turn1.tokens.prompt + turn1.tokens.visual);
      expect(turn2.timingsMs.vision).toBe(0);
      // At most turn 1 ran the vision graph (an image already seen runs none).
      expect(counted.preprocessed() - before).toBeLessThanOrEqual(1);
    }
    const stats = model.batchStats().prefixCache;
    const turns2 = multiTurn.filter((x) => x.model === name).length;
    // Every turn 2 hits; so does a turn 1 on the template's system prompt (text before the image).
    expect(stats.hits).toBeGreaterThanOrEqual(turns2);
    expect(stats.imageHits).toBeGreaterThanOrEqual(turns2);
    expect(stats.tokens).toBeGreaterThan(0);
  });

  it.each(names)('%s: three turns, cache on (alone, then batched) and off, give the same ids', async (name) => {
    const mine = multiTurn.filter((x) => x.model === name);
    const off = await load(name, { maxBatch: mine.length, prefixCacheTokens: 0 });
    const on = await load(name, { maxBatch: mine.length });
    const onBatched = await load(name, { maxBatch: mine.length });
    const conversations = mine.map((r) => [...conversation(r)]);
    for (let turn = 0; turn < 3; turn++) {
      const prompts = conversations.map((c) => (turn === 0 ? c.slice(0, 1) : c));
      const expected: GenerationResult[] = [];
      for (const [i, p] of prompts.entries()) expected.push(await greedy(off, p, images.get(mine[i]!.image)!, 12));
      const alone: GenerationResult[] = [];
      for (const [i, p] of prompts.entries()) alone.push(await greedy(on, p, images.get(mine[i]!.image)!, 12));
      const batched = await Promise.all(prompts.map((p, i) => greedy(onBatched, p, images.get(mine[i]!.image)!, 12)));
      expect(alone.map((r) => r.outputIds)).toEqual(expected.map((r) => r.outputIds));
      expect(batched.map((r) => r.outputIds)).toEqual(expected.map((r) => r.outputIds));
      if (turn > 0) for (const r of alone) expect(r.cachedPromptTokens).toBeGreaterThan(0);
      // The next turn: this turn's answer, then a follow-up question.
      if (turn > 0) conversations.forEach((c, i) => c.push({ role: 'assistant', content: expected[i]!.text }, { role: 'user', content: 'What colour is it?' }));
    }
    expect(off.batchStats().prefixCache).toMatchObject({ enabled: false, hits: 0, tokens: 0 });
    expect(on.batchStats().prefixCache.hits).toBeGreaterThan(0);
  });
});

describe.runIf(multiTurn.length > 0)('prefix cache inside the KV budget', () => {
  it('gives its entries back (least recently used first) to a request that needs the whole budget', async () => {
    const r = multiTurn.find((x) => x.model === 'mgm-tiny') as ReferenceRecord;
    const image = new Uint8Array(await readFile(path.join(EVAL, r.image)));
    const model = await loadModel(path.join(MODELS, 'mgm-tiny'), { intraOpThreads: 1, maxBatch: 2, kvBudgetTokens: 512 });
    try {
      await greedy(model, conversation(r).slice(0, 1) as Message[], image, 4);
      const held = model.batchStats().prefixCache.tokens;
      expect(held).toBeGreaterThan(0);
      // Worst case = the whole 512-token context: only admitted if the cache makes room at once.
      const big = await greedy(model, conversation(r), image, 512);
      expect(big.outputIds).toEqual(r.output_ids);
      const after = model.batchStats();
      expect(after.prefixCache.evictions).toBeGreaterThan(0);
      expect(after.kvTokensReserved).toBe(0);
      expect(after.prefixCache.tokens).toBeLessThanOrEqual(after.kvTokensBudget);
    } finally {
      await model.close();
    }
  });
});
