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
import { SequenceDecoder } from '../generation/sequence-decoder.ts';
import { StopStringFilter } from '../generation/stop-string-filter.ts';
import { StoppingCriteria } from '../generation/stopping-criteria.ts';
import { type LoadedManifest, loadManifest } from '../manifest.ts';
import { MgmTokenizer } from '../mgm-tokenizer.ts';
import { type ModelSessions, createSessions } from '../sessions.ts';
import { type BatchLayout, BatchScheduler } from './batch-scheduler.ts';

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

/** One sequence: prefill alone, then decode in the scheduler, recording every logits row it sees. */
async function decodeOne(
  m: Loaded,
  scheduler: BatchScheduler,
  seq: number,
  opts: { signal?: AbortSignal } = {},
): Promise<{ logits: Float32Array[]; ids: number[]; finishReason: string; error?: unknown }> {
  const manifest = m.loaded.manifest;
  const n = LENGTHS[seq] as number;
  const runner = new DecoderRunner(m.sessions.embed, m.sessions.decoder, manifest, n);
  const first = await runner.prefill(embeddings(n, manifest.llm.hidden_size, seq + 1), n);
  const logits: Float32Array[] = [];
  const decoder = new SequenceDecoder({
    selector: {
      select: (scores) => {
        logits.push(scores.slice());
        return argmax(scores);
      },
    },
    // No stop id: every sequence runs its full budget, so the rows overlap for many steps.
    stopping: new StoppingCriteria({ stopTokenIds: new Set(), maxNewTokens: STEPS, contextLength: manifest.context_length, promptLength: n, signal: opts.signal }),
    detokenizer: new IncrementalDetokenizer(m.tokenizer),
    stopStrings: new StopStringFilter([]),
    hiddenIds: new Set(),
    stream: { push: () => undefined },
    now: () => performance.now(),
  });
  const next = decoder.next(first);
  const result =
    next === null
      ? decoder.finish()
      : await scheduler.decode({ decoder, signal: opts.signal ?? new AbortController().signal, nextId: next, cache: runner.cache, length: n });
  return { logits, ids: result.outputIds, finishReason: result.finishReason, ...(result.error ? { error: result.error } : {}) };
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
  const scheduler = (m: Loaded, maxBatch: number, layout: BatchLayout, sessions: Partial<Pick<ModelSessions, 'embed' | 'decoder'>> = {}) =>
    new BatchScheduler({
      embed: sessions.embed ?? m.sessions.embed,
      decoder: sessions.decoder ?? m.sessions.decoder,
      manifest: m.loaded.manifest,
      logger: pino({ level: 'silent' }),
      maxBatch,
      kvBudgetTokens: maxBatch * m.loaded.manifest.context_length,
      layout,
    });

  /** Each sequence decoded alone: the reference every batched run is compared with. */
  const alone = (async () => {
    const m = await loaded;
    const out = [];
    for (let i = 0; i < LENGTHS.length; i++) out.push(await decodeOne(m, scheduler(m, 1, 'exact'), i));
    return out;
  })();

  /** Sequence i arrives after 3 more steps of the others (or once the one before it ended). */
  async function staggered(s: BatchScheduler, m: Loaded, opts: (i: number) => { signal?: AbortSignal } = () => ({})) {
    const steps = () => s.stats().stepsByBatchSize.reduce((a, b) => a + b, 0);
    const runs = [];
    for (let i = 0; i < LENGTHS.length; i++) {
      const run = decodeOne(m, s, i, opts(i));
      runs.push(run);
      let ended = false;
      void run.finally(() => (ended = true));
      const target = steps() + 3;
      while (i < LENGTHS.length - 1 && !ended && steps() < target) await new Promise((r) => setTimeout(r, 0));
    }
    return Promise.all(runs);
  }

  it('exact layout: every row of a staggered batch gets logits bit-identical to its lone run', async () => {
    const m = await loaded;
    const ref = await alone;
    const s = scheduler(m, LENGTHS.length, 'exact');
    const got = await staggered(s, m);
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
    const s = scheduler(m, LENGTHS.length, 'packed');
    const got = await staggered(s, m);
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
    const s = scheduler(m, LENGTHS.length, 'exact');
    const running = staggered(s, m, (i) => (i === 2 ? { signal: stop.signal } : {}));
    while (s.stats().stepsByBatchSize.reduce((a, b) => a + b, 0) < 10) await new Promise((r) => setTimeout(r, 0));
    stop.abort();
    const got = await running;
    expect(got[2]?.finishReason).toBe('abort');
    expect(got[2]?.ids.length).toBeLessThan(STEPS);
    got.forEach((g, i) => {
      if (i !== 2) expect(g.ids).toEqual(ref[i]?.ids);
    });
  });

  it('a failed decoder call ends the rows of that step with finishReason error; later arrivals decode normally', async () => {
    const m = await loaded;
    const ref = await alone;
    let calls = 0;
    let failedBatch = -1;
    const decoder = {
      run: (feeds: Record<string, ort.Tensor>) => {
        calls += 1;
        if (calls === 12) {
          failedBatch = feeds.position_ids?.dims[0] as number;
          return Promise.reject(new Error('device lost'));
        }
        return m.sessions.decoder.run(feeds);
      },
    } as unknown as ModelSessions['decoder'];
    const s = scheduler(m, LENGTHS.length, 'exact', { decoder });
    const got = await staggered(s, m);
    const failed = got.filter((g) => g.finishReason === 'error');
    expect(failedBatch).toBeGreaterThan(1);
    expect(failed.length).toBe(failedBatch);
    expect(failed.length).toBeLessThan(LENGTHS.length);
    expect(failed.every((g) => (g.error as Error).message === 'device lost')).toBe(true);
    got.forEach((g, i) => {
      if (g.finishReason !== 'error') expect(g.ids).toEqual(ref[i]?.ids);
    });
  });
});
