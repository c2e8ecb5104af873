import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../test/fixture-checkpoint.ts';
import { MODELS } from '../../test/greedy-reference-records.ts';
import { parseDevice } from '../execution-provider.ts';
import { DecoderRunner } from '../generation/decoder-runner.ts';
import { IncrementalDetokenizer } from '../generation/incremental-detokenizer.ts';
import { argmax } from '../generation/sampler.ts';
import { type DecodeLoopResult, SequenceDecoder } from '../generation/sequence-decoder.ts';
import { StopStringFilter } from '../generation/stop-string-filter.ts';
import { StoppingCriteria } from '../generation/stopping-criteria.ts';
import { type LoadedManifest, loadManifest } from '../manifest.ts';
import { MgmTokenizer } from '../mgm-tokenizer.ts';
import { type ModelSessions, createSessions } from '../sessions.ts';
import { type BatchLayout, BatchScheduler, type PrefilledSequence } from './batch-scheduler.ts';

const STEPS = 24;
/** Prompt lengths of every class modulo 4, so rows of one batch need left padding of every size. */
const LENGTHS = [21, 34, 27, 40, 13, 30, 45, 18];

interface Loaded {
  loaded: LoadedManifest;
  sessions: ModelSessions;
  tokenizer: MgmTokenizer;
}

/** Deterministic pseudo-random prompt embeddings (no tokenizer or image needed). */
function embeddings(rows: number, hidden: number, seed: number): Float32Array {
  const a = new Float32Array(rows * hidden);
  let x = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    a[i] = ((x >>> 8) / 16777216 - 0.5) * 0.5;
  }
  return a;
}

interface Prefilled {
  seq: PrefilledSequence | null;
  first: DecodeLoopResult | null;
  logits: Float32Array[];
}

/** One sequence prefilled alone, its first token chosen; its logits rows are recorded. */
async function prefillOne(m: Loaded, seq: number, opts: { signal?: AbortSignal } = {}): Promise<Prefilled> {
  const manifest = m.loaded.manifest;
  const n = LENGTHS[seq] as number;
  const runner = new DecoderRunner(m.sessions.embed, m.sessions.decoder, manifest, n);
  const first = await runner.prefill(embeddings(n, manifest.llm.hidden_size, seq + 1), n);
  const logits: Float32Array[] = [];
  const signal = opts.signal ?? new AbortController().signal;
  const decoder = new SequenceDecoder({
    selector: {
      select: (scores) => {
        logits.push(scores.slice());
        return argmax(scores);
      },
    },
    // No stop id: every sequence runs its full budget, so the rows overlap for many steps.
    stopping: new StoppingCriteria({ stopTokenIds: new Set(), maxNewTokens: STEPS, contextLength: manifest.context_length, promptLength: n, signal }),
    detokenizer: new IncrementalDetokenizer(m.tokenizer),
    stopStrings: new StopStringFilter([]),
    hiddenIds: new Set(),
    stream: { push: () => undefined },
    now: () => performance.now(),
  });
  const next = decoder.next(first);
  if (next === null) return { seq: null, first: decoder.finish(), logits };
  return { seq: { decoder, signal, nextId: next, cache: runner.cache, length: n }, first: null, logits };
}

interface Decoded {
  logits: Float32Array[];
  ids: number[];
  finishReason: string;
  error?: unknown;
}

async function decodeIn(s: BatchScheduler, p: Prefilled): Promise<Decoded> {
  const r = p.seq === null ? (p.first as DecodeLoopResult) : await s.decode(p.seq);
  return { logits: p.logits, ids: r.outputIds, finishReason: r.finishReason, ...(r.error ? { error: r.error } : {}) };
}

const checkpoints = [path.join(FIXTURES, 'micro-mgm'), path.join(MODELS, 'mgm-tiny')].filter((d) => existsSync(path.join(d, 'mgm.json')));

describe.each(checkpoints.map((d) => [path.basename(d), d]))('BatchScheduler on %s', (_name, dir) => {
  const loaded: Promise<Loaded> = (async () => {
    const l = await loadManifest(dir);
    const sessions = await createSessions(l, { device: parseDevice('cpu'), dtype: 'fp32', logger: pino({ level: 'silent' }), intraOpThreads: 1 });
    const tokenizer = await MgmTokenizer.fromFile(path.join(l.dir, l.manifest.files.tokenizer));
    return { loaded: l, sessions, tokenizer };
  })();
  afterAll(async () => {
    const { sessions } = await loaded;
    await Promise.all([sessions.vision.release(), sessions.embed.release(), sessions.decoder.release()]);
  });
  /** A scheduler whose decoder calls `beforeCall(n)` first (n = calls so far), for arrivals at set steps. */
  const scheduler = (m: Loaded, maxBatch: number, layout: BatchLayout, beforeCall: (n: number) => void = () => undefined) => {
    let calls = 0;
    const decoder = {
      run: (feeds: Record<string, ort.Tensor>) => {
        beforeCall(calls++);
        return m.sessions.decoder.run(feeds);
      },
    } as unknown as ModelSessions['decoder'];
    return new BatchScheduler({
      embed: m.sessions.embed,
      decoder,
      manifest: m.loaded.manifest,
      logger: pino({ level: 'silent' }),
      maxBatch,
      kvBudgetTokens: maxBatch * m.loaded.manifest.context_length,
      layout,
    });
  };

  /** Each sequence decoded alone: the reference every batched run is compared with. */
  const alone = (async () => {
    const m = await loaded;
    const out = [];
    for (let i = 0; i < LENGTHS.length; i++) out.push(await decodeIn(scheduler(m, 1, 'exact'), await prefillOne(m, i)));
    return out;
  })();

  /**
   * Sequence i arrives just before decoder call 3i (all prefilled beforehand, so arrivals do not
   * depend on timing); call `failAt` throws.
   */
  async function staggered(m: Loaded, layout: BatchLayout, opts: { signal?: (i: number) => AbortSignal | undefined; failAt?: number; onCall?: (n: number) => void } = {}) {
    const prefilled: Prefilled[] = [];
    for (let i = 0; i < LENGTHS.length; i++) prefilled.push(await prefillOne(m, i, { signal: opts.signal?.(i) }));
    const runs: Promise<Decoded>[] = [];
    let submitted = 1;
    let settled = 0;
    const track = (p: Promise<Decoded>) => p.finally(() => (settled += 1));
    const s = scheduler(m, LENGTHS.length, layout, (n) => {
      opts.onCall?.(n);
      while (submitted < LENGTHS.length && n >= 3 * submitted) runs.push(track(decodeIn(s, prefilled[submitted++] as Prefilled)));
      if (n === opts.failAt) throw new Error('device lost');
    });
    runs.push(track(decodeIn(s, prefilled[0] as Prefilled)));
    // Sequence 0 decodes 24 steps, so normally every arrival (the last at call 21) comes while it
    // runs; if the batch empties first (a failed call), the next one arrives at once.
    while (runs.length < LENGTHS.length) {
      await new Promise((r) => setTimeout(r, 1));
      if (settled === runs.length && runs.length < LENGTHS.length) runs.push(track(decodeIn(s, prefilled[submitted++] as Prefilled)));
    }
    return { got: await Promise.all(runs), s };
  }

  it('exact layout: every row of a staggered batch gets logits bit-identical to its lone run', async () => {
    const m = await loaded;
    const ref = await alone;
    const { got, s } = await staggered(m, 'exact');
    got.forEach((g, i) => {
      expect(g.ids).toEqual(ref[i]?.ids);
      expect(g.logits.length).toBe(STEPS);
      g.logits.forEach((row, t) => expect(Buffer.from(row.buffer).equals(Buffer.from((ref[i]?.logits[t] as Float32Array).buffer)), `sequence ${i} step ${t}`).toBe(true));
    });
    const stats = s.stats();
    // Arrivals wait at most 3 steps to fall in step with the running rows: the batch fills up.
    expect(stats.stepsByBatchSize.slice(6).some((n) => n > 0)).toBe(true);
    expect(stats).toMatchObject({ running: 0, kvTokensUsed: 0 });
  });

  it('packed layout: one decoder call per step, logits within float rounding of the lone run', async () => {
    const m = await loaded;
    const ref = await alone;
    const { got } = await staggered(m, 'packed');
    let maxDiff = 0;
    got.forEach((g, i) =>
      g.logits.forEach((row, t) => {
        const r = ref[i]?.logits[t] as Float32Array;
        for (let j = 0; j < row.length; j++) maxDiff = Math.max(maxDiff, Math.abs((row[j] as number) - (r[j] as number)));
      }),
    );
    expect(maxDiff).toBeLessThan(1e-3);
  });

  it('a row stopped mid-batch leaves at once; the others still match their lone runs', async () => {
    const m = await loaded;
    const ref = await alone;
    const stop = new AbortController();
    const { got } = await staggered(m, 'exact', { signal: (i) => (i === 2 ? stop.signal : undefined), onCall: (n) => n === 10 && stop.abort() });
    expect(got[2]?.finishReason).toBe('abort');
    expect(got[2]?.ids.length).toBeLessThan(STEPS);
    got.forEach((g, i) => {
      if (i !== 2) expect(g.ids).toEqual(ref[i]?.ids);
    });
  });

  it('a failed decoder call ends the rows of that step with finishReason error; later arrivals decode normally', async () => {
    const m = await loaded;
    const ref = await alone;
    const { got } = await staggered(m, 'exact', { failAt: 12 });
    const failed = got.filter((g) => g.finishReason === 'error');
    expect(failed.length).toBeGreaterThan(1);
    expect(failed.every((g) => (g.error as Error).message === 'device lost')).toBe(true);
    // Sequences 5, 6 and 7 arrive after the failed call: they decode as they would alone.
    for (const i of [5, 6, 7]) expect(got[i]).toMatchObject({ finishReason: 'length', ids: ref[i]?.ids });
    got.forEach((g, i) => {
      if (g.finishReason !== 'error') expect(g.ids).toEqual(ref[i]?.ids);
    });
  });
});
