import path from 'node:path';
import { MgmError, samplingParamsSchema } from '@mgm/protocol';
import * as ort from 'onnxruntime-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { BatchScheduler } from '../src/batching/batch-scheduler.ts';
import type { PrefillExecutor, PrefillRequest, Prefilled } from '../src/batching/prefill-executor.ts';
import { GenerationStream } from '../src/generation/generation-stream.ts';
import { loadManifest } from '../src/manifest.ts';
import { MgmTokenizer } from '../src/mgm-tokenizer.ts';
import { PrefixCache } from '../src/prefix-cache/prefix-cache.ts';
import { type GenerationContext, runGeneration } from '../src/run-generation.ts';
import type { ModelSessions } from '../src/sessions.ts';
import { FIXTURES } from './fixture-checkpoint.ts';

/**
 * The scheduling around a prefill, with fakes (no timing): while a newcomer's prefill is in
 * flight on a concurrent executor (the prefill thread), the running answers keep stepping.
 */
describe('a prefill on the prefill thread does not stop the decode batch', async () => {
  const { manifest, dir } = await loadManifest(path.join(FIXTURES, 'micro-mgm'));
  const tokenizer = await MgmTokenizer.fromFile(path.join(dir, manifest.files.tokenizer));
  const { vocab_size: vocab, hidden_size: hidden, num_kv_heads: heads, head_dim: headDim, num_layers: layers } = manifest.llm;
  const word = tokenizer.tokenToId('a') ?? 10;
  const logitsFavouring = (rows: number) => {
    const data = new Float32Array(rows * vocab);
    for (let r = 0; r < rows; r++) data[r * vocab + word] = 1;
    return data;
  };
  const cacheOf = (rows: number, length: number) => {
    const cache: Record<string, ort.Tensor> = {};
    for (let l = 0; l < layers; l++) {
      for (const kv of ['key', 'value']) cache[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(rows * heads * length * headDim), [rows, heads, length, headDim]);
    }
    return cache;
  };

  it('steps the running answer while a newcomer waits for its prefill, then decodes both', async () => {
    let steps = 0;
    let onStep: (() => void) | null = null;
    const decoder = {
      run: async (feeds: Record<string, ort.Tensor>) => {
        const [b, , past] = feeds['past_key_values.0.key']?.dims as number[];
        steps += 1;
        onStep?.();
        const out: Record<string, ort.Tensor> = { logits: new ort.Tensor('float32', logitsFavouring(b as number), [b as number, 1, vocab]) };
        for (const [name, t] of Object.entries(cacheOf(b as number, (past as number) + 1))) out[name.replace('past_key_values', 'present')] = t;
        return out;
      },
    };
    const embed = { run: async () => ({ inputs_embeds: new ort.Tensor('float32', new Float32Array(vocab * hidden), [1, vocab, hidden]) }) };
    const scheduler = new BatchScheduler({ embed, decoder, manifest, logger: pino({ level: 'silent' }), maxBatch: 4, kvBudgetTokens: 4 * manifest.context_length } as never);

    const prefills: { req: PrefillRequest; finish: () => void }[] = [];
    let onPrefill: (() => void) | null = null;
    const executor: PrefillExecutor = {
      concurrent: true,
      encodeImage: () => Promise.reject(new MgmError('INTERNAL', 'no image in this test')),
      prefill: (req) =>
        new Promise<Prefilled>((resolve) => {
          prefills.push({ req, finish: () => resolve({ logits: logitsFavouring(1), cache: cacheOf(1, req.promptLength), length: req.promptLength, prefillMs: 0 }) });
          onPrefill?.();
        }),
      close: async () => undefined,
    };
    const ctx: GenerationContext = {
      manifest,
      sessions: {} as ModelSessions,
      tokenizer,
      stopStrings: [],
      stopTokenIds: new Set([manifest.special_tokens.eos_id]),
      hiddenIds: new Set(),
      prepareImage: () => Promise.reject(new Error('no image in this test')),
      logger: pino({ level: 'silent' }),
      scheduler,
      prefixCache: new PrefixCache({ maxTokens: 0, bytesPerToken: 1, ledger: scheduler.admission }),
      prefill: executor,
    };
    const ask = (maxNewTokens: number): GenerationStream => {
      const stream = new GenerationStream(new AbortController());
      void runGeneration(ctx, { messages: [{ role: 'user', content: 'hi' }], image: null, params: samplingParamsSchema.parse({ temperature: 0, maxNewTokens }), signal: new AbortController().signal }, stream);
      return stream;
    };
    const nextPrefill = () => new Promise<void>((resolve) => (onPrefill = resolve));
    const stepsFrom = (count: number) => new Promise<void>((resolve) => (onStep = () => steps >= count && resolve()));

    let waiting = nextPrefill();
    const a = ask(40);
    await waiting;
    prefills[0]?.finish();
    await stepsFrom(3);

    waiting = nextPrefill();
    const b = ask(5);
    await waiting;
    // B's prefill is in flight (never finished yet): A must keep stepping meanwhile.
    const before = steps;
    await stepsFrom(before + 10);
    expect(prefills).toHaveLength(2);
    prefills[1]?.finish();

    const [ra, rb] = await Promise.all([a.result, b.result]);
    expect(ra.outputIds).toEqual(new Array(40).fill(word));
    expect(rb.outputIds).toEqual(new Array(5).fill(word));
    // B joined A's batch: some steps had both rows.
    expect(scheduler.stats().stepsByBatchSize[2]).toBeGreaterThan(0);
    // A prefill that took turns with the steps would hang here: fail soon rather than at the default timeout.
  }, 10_000);
});
