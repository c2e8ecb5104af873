import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GenerationResult, type MgmModel, loadModel } from '../src/index.ts';
import { EVAL, MODELS, type ReferenceRecord, conversation, readReferenceRecords } from './greedy-reference-records.ts';

const records = readReferenceRecords();
const names = [...new Set(records.map((r) => r.model))];

function ask(model: MgmModel, r: ReferenceRecord, image: Uint8Array) {
  return model.generate({ messages: conversation(r), image, params: { temperature: 0, maxNewTokens: r.output_ids.length } });
}

/** Rows per decode step, over all steps: above 1 means sequences really shared decoder calls. */
function rowsPerCall(model: MgmModel): number {
  const s = model.batchStats();
  const rows = s.stepsByBatchSize.reduce((sum, steps, size) => sum + steps * size, 0);
  return rows / s.stepsByBatchSize.reduce((a, b) => a + b, 0);
}

describe.runIf(records.length > 0)('greedy reference decoded in batches (continuous batching, exact layout)', () => {
  const images = new Map<string, Uint8Array>();
  beforeAll(async () => {
    for (const r of records) if (!images.has(r.image)) images.set(r.image, new Uint8Array(await readFile(path.join(EVAL, r.image))));
  });
  const open: MgmModel[] = [];
  afterAll(async () => {
    for (const m of open) await m.close();
  });
  const load = async (name: string, maxBatch: number, prefillThread: boolean) => {
    const m = await loadModel(path.join(MODELS, name), { maxBatch, intraOpThreads: 1, prefillThread });
    expect(m.prefillConcurrent).toBe(prefillThread);
    open.push(m);
    return m;
  };

  // prefill thread: vision and prefill on a thread of their own while the batch steps on.
  const cases = names.flatMap((name) => [false, true].map((thread) => [name, thread ? 'prefill thread' : 'prefill in turn', thread] as const));

  it.each(cases)('%s (%s): every record of the set, all arriving at once, gives its reference ids', async (name, _, thread) => {
    const mine = records.filter((r) => r.model === name);
    const model = await load(name, mine.length, thread);
    const results = await Promise.all(mine.map((r) => ask(model, r, images.get(r.image) as Uint8Array).result));
    results.forEach((res, i) => expect(res.outputIds, `record ${(mine[i] as ReferenceRecord & { id?: string }).id}`).toEqual(mine[i]?.output_ids));
    expect(rowsPerCall(model)).toBeGreaterThan(1);
    expect(model.batchStats()).toMatchObject({ running: 0, waiting: 0, kvTokensUsed: 0, kvTokensReserved: 0 });
  });

  it.each(cases)('%s (%s): a staggered stream of arrivals (each joins while the others decode, batch of 4) gives the reference ids', async (name, _, thread) => {
    const mine = records.filter((r) => r.model === name);
    const model = await load(name, 4, thread);
    const pending: Promise<GenerationResult>[] = [];
    for (const r of mine) {
      const stream = ask(model, r, images.get(r.image) as Uint8Array);
      pending.push(stream.result);
      // The next request arrives once this one has its first token: it joins a running batch.
      const iterator = stream[Symbol.asyncIterator]();
      const first = iterator.next();
      void first.then(() => drain(iterator));
      await first;
    }
    const results = await Promise.all(pending);
    results.forEach((res, i) => expect(res.outputIds).toEqual(mine[i]?.output_ids));
    // With the prefill thread a newcomer no longer pauses the batch, so an answer may end before
    // the next one joins (the all-at-once case has rows joining one by one as the thread prefills).
    if (!thread) expect(rowsPerCall(model)).toBeGreaterThan(1);
  });
});

async function drain(iterator: AsyncIterator<string>): Promise<void> {
  for (;;) if ((await iterator.next()).done) return;
}

