import { MgmError, type ErrorCode, type WorkerBatch } from '@mgm/protocol';
import type {
  ServingGenerateInput,
  ServingGenerateResult,
  ServingGeneration,
  ServingModel,
  ServingModelInfo,
} from '../src/serving-model.ts';

export interface FakeModelOptions {
  name?: string;
  /** Delay before each token, ms. */
  tokenDelayMs?: number;
  /** Turns the conversation into the answer; default: "answer to <question> [image <n> bytes]". */
  answer?: (input: ServingGenerateInput) => string;
  /** Prompts longer than this many characters fail with PROMPT_TOO_LONG. */
  contextChars?: number;
  /** Every generation fails before its first token with this code (a model that breaks). */
  failWith?: ErrorCode;
  /** Report a continuous batch (batchStats): each generation holds a slot and reserves this many KV tokens. */
  batch?: { maxBatch: number; kvTokensBudget: number; reservePerJob: number };
}

/**
 * A deterministic test double of `@mgm/engine`'s model: streams a known answer word by word at a
 * chosen pace, honours the abort signal between tokens, and fails like the engine on a prompt
 * too long. It lets serving tests run without a checkpoint.
 */
export class FakeModel implements ServingModel {
  readonly info: ServingModelInfo;
  readonly calls: ServingGenerateInput[] = [];
  /** Generations running now, and the most that ever ran at once. */
  running = 0;
  peakRunning = 0;
  readonly batchStats?: () => WorkerBatch;
  private readonly tokenDelayMs: number;
  private readonly answer: (input: ServingGenerateInput) => string;
  private readonly contextChars: number;
  private readonly failWith: ErrorCode | undefined;

  constructor(options: FakeModelOptions = {}) {
    this.info = {
      name: options.name ?? 'fake-tiny',
      architecture: 'mgm',
      template: 'vicuna_v1',
      device: 'cpu',
      executionProvider: 'CPUExecutionProvider',
      dtype: 'fp32',
      lrSize: 48,
      hrSize: 192,
      visualTokens: 36,
      contextLength: 512,
    };
    const batch = options.batch;
    if (batch) {
      this.batchStats = () => ({
        maxBatch: batch.maxBatch,
        running: this.running,
        waiting: 0,
        kvTokensUsed: this.running * 10,
        kvTokensReserved: this.running * batch.reservePerJob,
        kvTokensBudget: batch.kvTokensBudget,
        kvBytesPerToken: 4608,
        stepsByBatchSize: [0, 3, 2],
        layout: 'exact',
        // A prefix cache as a worker would report it after 4 requests, 3 of them follow-ups.
        prefixCache: {
          enabled: true,
          lookups: 4,
          hits: 3,
          promptTokens: 1000,
          reusedTokens: 600,
          imageLookups: 4,
          imageHits: 3,
          entries: 2,
          tokens: 300,
          bytes: 300 * 4608,
          maxTokens: batch.kvTokensBudget,
          evictions: 1,
        },
      });
    }
    this.tokenDelayMs = options.tokenDelayMs ?? 5;
    this.contextChars = options.contextChars ?? 2000;
    this.failWith = options.failWith;
    this.answer =
      options.answer ??
      ((input) => {
        const question = input.messages.at(-1)?.content ?? '';
        return `answer to ${question}${input.image ? ` [image ${input.image.length} bytes]` : ''}`;
      });
  }

  generate(input: ServingGenerateInput, options: { signal: AbortSignal }): ServingGeneration {
    this.calls.push(input);
    const started = performance.now();
    let resolveResult!: (result: ServingGenerateResult) => void;
    let rejectResult!: (error: unknown) => void;
    const result = new Promise<ServingGenerateResult>((resolve, reject) => {
      resolveResult = resolve;
      rejectResult = reject;
    });
    const promptChars = input.messages.reduce((n, m) => n + m.content.length, 0);
    const pieces = this.answer(input).match(/\S+\s*/g) ?? [];
    const pieceLimit = Math.min(pieces.length, input.params.maxNewTokens);
    const delay = this.tokenDelayMs;
    const contextChars = this.contextChars;
    const failWith = this.failWith;
    const visual = input.image ? this.info.visualTokens : 0;
    const self = this;
    this.running += 1;
    this.peakRunning = Math.max(this.peakRunning, this.running);
    let left = false;
    const leave = () => {
      if (!left) self.running -= 1;
      left = true;
    };

    async function* stream(): AsyncGenerator<string> {
      if (failWith !== undefined) {
        const error = new MgmError(failWith, 'the fake model broke (failWith)');
        rejectResult(error);
        throw error;
      }
      if (promptChars > contextChars) {
        leave();
        const error = new MgmError('PROMPT_TOO_LONG', `the conversation is too long for this model (${promptChars} > ${contextChars} characters)`);
        rejectResult(error);
        throw error;
      }
      let text = '';
      let generated = 0;
      let ttft = 0;
      let finishReason = pieceLimit < pieces.length ? 'length' : 'stop';
      for (let i = 0; i < pieceLimit; i += 1) {
        await sleep(delay);
        if (options.signal.aborted) {
          finishReason = 'abort';
          break;
        }
        if (i === 0) ttft = performance.now() - started;
        text += pieces[i];
        generated += 1;
        yield pieces[i]!;
      }
      leave();
      const total = performance.now() - started;
      const decode = Math.max(0, total - ttft);
      resolveResult({
        text,
        finishReason,
        tokens: { prompt: Math.ceil(promptChars / 4) + visual, visual, generated },
        timingsMs: { preprocess: 0, vision: 0, prefill: ttft, ttft, decode, total },
        tokensPerSecond: generated > 1 && decode > 0 ? ((generated - 1) * 1000) / decode : 0,
      });
    }
    return Object.assign(stream(), { result });
  }

  async close(): Promise<void> {}
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
