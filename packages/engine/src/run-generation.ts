import { randomInt } from 'node:crypto';
import { type ImageMode, MgmError, type SamplingParams, type TokenLogprob } from '@mgm/protocol';
import type { Logger } from 'pino';
import type { BatchScheduler } from './batching/batch-scheduler.ts';
import type { Reservation } from './batching/admission.ts';
import type { PrefillExecutor } from './batching/prefill-executor.ts';
import type { GenerationResult, GenerationStream } from './generation/generation-stream.ts';
import { IncrementalDetokenizer } from './generation/incremental-detokenizer.ts';
import { type DecodeLoopResult, SequenceDecoder } from './generation/sequence-decoder.ts';
import { StopStringFilter } from './generation/stop-string-filter.ts';
import { StoppingCriteria } from './generation/stopping-criteria.ts';
import type { ChosenLogprob } from './generation/token-logprobs.ts';
import { TokenSelector } from './generation/token-selector.ts';
import { type ImageInput, type PreprocessedImage, assertImageTensors, isPreprocessedImage } from './image-input.ts';
import { encodeImageWithLens } from './lens/encode-with-lens.ts';
import type { ImageLens } from './lens/image-lens.ts';
import type { Manifest } from './manifest.ts';
import type { MgmTokenizer } from './mgm-tokenizer.ts';
import { tokenizePrompt } from './prompt-tokens.ts';
import { imageKey } from './prefix-cache/image-key.ts';
import type { PrefixCache } from './prefix-cache/prefix-cache.ts';
import { type PromptKey, promptKey } from './prefix-cache/prompt-key.ts';
import type { ModelSessions } from './sessions.ts';
import { type PromptExtras, type PromptMessage, renderGenerationPrompt } from './templates/render-prompt.ts';

export interface GenerationContext {
  manifest: Manifest;
  sessions: ModelSessions;
  tokenizer: MgmTokenizer;
  stopStrings: readonly string[];
  stopTokenIds: ReadonlySet<number>;
  hiddenIds: ReadonlySet<number>;
  prepareImage: (image: Exclude<ImageInput, PreprocessedImage>, mode: ImageMode | undefined) => Promise<PreprocessedImage>;
  logger: Logger;
  /** Admits sequences (slots, KV budget) and decodes them together. */
  scheduler: BatchScheduler;
  /** Keys/values of recent prompts and features of recent images, inside the scheduler's KV budget. */
  prefixCache: PrefixCache;
  /** Image preprocessing, vision and prefill of new sequences (here or on a thread of their own). */
  prefill: PrefillExecutor;
}

export interface GenerationJob {
  messages: readonly PromptMessage[];
  image: ImageInput | null;
  imageMode?: ImageMode;
  params: SamplingParams;
  signal: AbortSignal;
  extras?: PromptExtras;
  /** With params.logprobs: receives each shown token's log-probability, before its text is pushed. */
  onLogprobs?: (entry: TokenLogprob) => void;
  /** Also fetch the mining attention and return the image's lens (result.lens). */
  explain?: boolean;
}

const now = (): number => performance.now();
const round = (ms: number): number => Math.round(ms * 100) / 100;

/** One generation from messages (+ image) to the stream's result. */
export async function runGeneration(ctx: GenerationContext, job: GenerationJob, stream: GenerationStream): Promise<void> {
  const t0 = now();
  const { manifest } = ctx;
  try {
    const hasImage = job.image !== null;
    const prompt = renderGenerationPrompt(manifest.template, job.messages, hasImage, job.extras);
    const tokens = tokenizePrompt(prompt, ctx.tokenizer, manifest.special_tokens);
    const visual = hasImage ? manifest.image.visual_tokens : 0;
    const promptLength = tokens.ids.length + visual;
    const stopping = new StoppingCriteria({
      stopTokenIds: ctx.stopTokenIds,
      maxNewTokens: job.params.maxNewTokens,
      contextLength: manifest.context_length,
      promptLength,
      signal: job.signal,
    });
    if (stopping.budget < 1) {
      throw new MgmError(
        'PROMPT_TOO_LONG',
        `the prompt takes ${promptLength} tokens (${tokens.ids.length} text + ${visual} visual) of the ${manifest.context_length}-token context of ${manifest.name}: no room to answer. Shorten the conversation.`,
        { details: { promptTokens: tokens.ids.length, visualTokens: visual, contextLength: manifest.context_length } },
      );
    }

    // Waits for a batch slot and KV budget for the worst case: the prompt and every token it may add.
    let reservation: Reservation;
    try {
      reservation = await ctx.scheduler.admission.reserve(promptLength + stopping.budget, job.signal);
    } catch (err) {
      if (!job.signal.aborted) throw err;
      stream.end(abortedResult(tokens.ids.length, visual, 0, 0, now() - t0));
      return;
    }
    let loop: DecodeLoopResult;
    let lens: (() => ImageLens) | undefined;
    let preprocessMs = 0;
    let visionMs = 0;
    let prefillMs = 0;
    let reused = 0;
    try {
      const cache = ctx.prefixCache;
      const imgKey = job.image !== null && cache.enabled ? imageKey(job.image, job.imageMode) : null;
      const key: PromptKey | null = cache.enabled ? promptKey(tokens.ids, tokens.imageAt, visual, imgKey) : null;
      const prefix = key ? cache.lookupPrefix(key) : null;
      reused = prefix?.length ?? 0;
      // The visual rows are needed unless the cached prefix covers them (the lens needs the graph run).
      const imageEnd = tokens.imageAt + visual;
      let features: Float32Array | null = null;
      if (job.image !== null && (job.explain === true || reused < imageEnd)) {
        features = !job.explain && imgKey !== null ? cache.lookupFeatures(imgKey) : null;
        if (imgKey !== null && !job.explain) cache.recordImage(features !== null);
        if (features === null) {
          if (job.explain) {
            // The lens needs the mining attention: vision in this thread, taking turns with the steps.
            const tp = now();
            const img = isPreprocessedImage(job.image) ? job.image : await ctx.prepareImage(job.image, job.imageMode);
            assertImageTensors(img, manifest);
            preprocessMs = now() - tp;
            features = await ctx.scheduler.compute.run(async () => {
              const tv = now();
              let out: Float32Array;
              ({ features: out, lens } = await encodeImageWithLens(ctx.sessions.vision, img, manifest));
              visionMs = now() - tv;
              return out;
            });
          } else {
            const encoded = await ctx.prefill.encodeImage(job.image, job.imageMode);
            ({ features, preprocessMs, visionMs } = encoded);
          }
          if (imgKey !== null) cache.storeFeatures(imgKey, features);
        }
      } else if (job.image !== null && imgKey !== null) {
        cache.recordImage(true);
      }
      if (job.signal.aborted) {
        stream.end(abortedResult(tokens.ids.length, visual, preprocessMs, visionMs, now() - t0));
        return;
      }

      const prefilled = await ctx.prefill.prefill({
        ids: tokens.ids,
        imageAt: tokens.imageAt,
        visual,
        features,
        prefix: prefix ? { past: prefix.past, length: prefix.length } : null,
        promptLength,
      });
      prefillMs = prefilled.prefillMs;
      const firstLogits = prefilled.logits;

      const selector = new TokenSelector(job.params, firstLogits.length, () => randomInt(0, 2 ** 32 - 1));
      const decoder = new SequenceDecoder({
        selector,
        stopping,
        detokenizer: new IncrementalDetokenizer(ctx.tokenizer),
        stopStrings: new StopStringFilter(job.params.stop?.length ? [...ctx.stopStrings, ...job.params.stop] : ctx.stopStrings),
        hiddenIds: ctx.hiddenIds,
        stream,
        now,
        ...(job.params.logprobs !== undefined && job.onLogprobs
          ? { logprobs: { top: job.params.logprobs, emit: tokenLogprobEmitter(ctx.tokenizer, job.onLogprobs) } }
          : {}),
      });
      const first = decoder.next(firstLogits);
      // After the first token is out: the copy is not on the time to first token.
      if (key) cache.storePrefix(key, prefilled.cache);
      loop =
        first === null
          ? decoder.finish()
          : await ctx.scheduler.decode({ decoder, signal: job.signal, nextId: first, cache: prefilled.cache, length: prefilled.length });
    } finally {
      reservation.release();
    }
    const generated = loop.outputIds.length;
    const first = Number.isNaN(loop.firstTokenAt) ? loop.endAt : loop.firstTokenAt;
    const decodeMs = loop.endAt - first;
    const result: GenerationResult = {
      text: loop.text,
      finishReason: loop.finishReason,
      tokens: { prompt: tokens.ids.length, visual, generated },
      cachedPromptTokens: reused,
      timingsMs: {
        preprocess: round(preprocessMs),
        vision: round(visionMs),
        prefill: round(prefillMs),
        ttft: round(first - t0),
        decode: round(decodeMs),
        total: round(loop.endAt - t0),
      },
      tokensPerSecond: generated > 1 && decodeMs > 0 ? round(((generated - 1) * 1000) / decodeMs) : 0,
      outputIds: loop.outputIds,
      ...(lens ? { lens: lens() } : {}),
    };
    if (loop.error !== undefined) {
      const e = loop.error;
      result.error = e instanceof MgmError ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: String((e as Error)?.message ?? e) };
      ctx.logger.error({ err: e, generated }, 'generation failed after the first token');
    }
    ctx.logger.debug({ finishReason: result.finishReason, tokens: result.tokens, timingsMs: result.timingsMs }, 'generation done');
    stream.end(result);
  } catch (err) {
    stream.fail(err instanceof MgmError ? err : new MgmError('INTERNAL', `generation failed: ${(err as Error)?.message ?? err}`, { cause: err }));
  }
}

function abortedResult(prompt: number, visual: number, preprocessMs: number, visionMs: number, totalMs: number): GenerationResult {
  return {
    text: '',
    finishReason: 'abort',
    tokens: { prompt, visual, generated: 0 },
    timingsMs: { preprocess: round(preprocessMs), vision: round(visionMs), prefill: 0, ttft: 0, decode: 0, total: round(totalMs) },
    tokensPerSecond: 0,
    outputIds: [],
  };
}

/** Turns ids into token texts and UTF-8 bytes (exact for ByteLevel tokenizers; others: the token decoded alone). */
function tokenLogprobEmitter(tokenizer: MgmTokenizer, onLogprobs: (entry: TokenLogprob) => void): (entry: ChosenLogprob) => void {
  const utf8 = new TextDecoder('utf-8');
  const describe = (id: number, logprob: number) => {
    const bytes = tokenizer.tokenBytes ? tokenizer.tokenBytes(id) : new TextEncoder().encode(tokenizer.decode([id]));
    return { token: utf8.decode(bytes), logprob, bytes: Array.from(bytes) };
  };
  return (entry) => onLogprobs({ ...describe(entry.id, entry.logprob), top: entry.top.map((t) => describe(t.id, t.logprob)) });
}
