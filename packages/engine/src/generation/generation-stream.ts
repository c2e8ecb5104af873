import type { ImageLens } from '../lens/image-lens.ts';
import type { FinishReason } from './stopping-criteria.ts';

export interface GenerationTimings {
  /** Image decode + preprocessing. */
  preprocess: number;
  /** vision.onnx. */
  vision: number;
  /** embed.onnx + the decoder's prefill pass. */
  prefill: number;
  /** From the generate() call to the first token. */
  ttft: number;
  /** From the first token to the last. */
  decode: number;
  total: number;
}

export interface GenerationResult {
  /** The answer: the concatenation of every delta. */
  text: string;
  finishReason: FinishReason;
  tokens: {
    /** Text tokens of the prompt (bos included). */
    prompt: number;
    /** Visual embeddings spliced into the prompt (the image's real cost in context). */
    visual: number;
    /** Tokens the model produced, a final stop token included. */
    generated: number;
  };
  /** Leading prompt positions (text + visual) taken from the prefix cache instead of prefilled. */
  cachedPromptTokens?: number;
  timingsMs: GenerationTimings;
  /** Decode speed: tokens after the first over the decode time. */
  tokensPerSecond: number;
  /** The generated ids, a final stop token included. */
  outputIds: number[];
  /** Set when finishReason is 'error' (a failure after the first token). */
  error?: { code: string; message: string };
  /** With explain and an image: what the model saw and where its mining looked. */
  lens?: ImageLens;
}

/**
 * An async iterable of text deltas plus the final result. Errors before the first token
 * (bad image, prompt too long) reject `result` and make the iteration throw; a failure after
 * it ends the iteration and resolves `result` with finishReason 'error'. Leaving the
 * iteration early (break) aborts the generation.
 */
export class GenerationStream implements AsyncIterable<string> {
  readonly result: Promise<GenerationResult>;
  private readonly queue: string[] = [];
  private wake: (() => void) | null = null;
  private finished = false;
  private failure: unknown = null;
  private iterated = false;
  private resolveResult!: (r: GenerationResult) => void;
  private rejectResult!: (e: unknown) => void;

  constructor(private readonly abortController: AbortController) {
    this.result = new Promise<GenerationResult>((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    // A consumer that only iterates still sees the error; this keeps it from being "unhandled".
    this.result.catch(() => undefined);
  }

  /** @internal called by the generation loop. */
  push(delta: string): void {
    if (delta.length === 0 || this.finished) return;
    this.queue.push(delta);
    this.notify();
  }

  /** @internal */
  end(result: GenerationResult): void {
    this.finished = true;
    this.resolveResult(result);
    this.notify();
  }

  /** @internal */
  fail(error: unknown): void {
    this.finished = true;
    this.failure = error;
    this.rejectResult(error);
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<string> {
    if (this.iterated) throw new Error('a GenerationStream can be iterated once');
    this.iterated = true;
    return {
      next: async (): Promise<IteratorResult<string>> => {
        for (;;) {
          const delta = this.queue.shift();
          if (delta !== undefined) return { value: delta, done: false };
          if (this.failure !== null) throw this.failure;
          if (this.finished) return { value: undefined, done: true };
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
        }
      },
      return: async (): Promise<IteratorResult<string>> => {
        if (!this.finished) this.abortController.abort();
        return { value: undefined, done: true };
      },
    };
  }
}
