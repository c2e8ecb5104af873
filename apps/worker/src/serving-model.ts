import type { ImageLens } from '@mgm/engine';
import type { ChatMessage, ImageMode, SamplingParams, TokenLogprob, WorkerBatch } from '@mgm/protocol';

/**
 * What the worker needs from a loaded checkpoint: the subset of `@mgm/engine`'s MgmModel it
 * calls. Declared here (structurally) so tests can inject a double and the worker never reaches
 * into the engine's internals.
 */
export interface ServingModelInfo {
  name: string;
  architecture: 'mgm' | 'llava';
  template: string;
  device: string;
  executionProvider: string;
  dtype: string;
  lrSize: number;
  hrSize: number | null;
  visualTokens: number;
  contextLength: number;
}

export interface ServingGenerateInput {
  messages: ChatMessage[];
  image: Uint8Array | null;
  imageMode: ImageMode;
  params: SamplingParams;
  /** OCR text of the image for the prompt (MGM --ocr). */
  ocrText?: string | null;
  /** Ask for an image prompt in <h>…</h> (MGM --gen). */
  generateImage?: boolean;
  /** Replaces the chat template's system prompt; absent: the template's own. */
  system?: string;
  /** Return the image's lens (what the model saw) in the result. */
  explain?: boolean;
}

export interface ServingGenerateResult {
  text: string;
  finishReason: string;
  tokens: { prompt: number; visual: number; generated: number };
  timingsMs: { preprocess: number; vision: number; prefill: number; ttft: number; decode: number; total: number };
  tokensPerSecond: number;
  error?: unknown;
  /** With explain and an image. */
  lens?: ImageLens;
}

export type ServingGeneration = AsyncIterable<string> & { result: Promise<ServingGenerateResult> };

export interface ServingModel {
  readonly info: ServingModelInfo;
  /** `onLogprobs` (with params.logprobs): each shown token's log-probability, before its text is streamed. */
  generate(input: ServingGenerateInput, options: { signal: AbortSignal; onLogprobs?: (entry: TokenLogprob) => void }): ServingGeneration;
  /** The continuous batch now (the engine's BatchStats); absent for a model that does not batch. */
  batchStats?(): WorkerBatch;
  close(): Promise<void>;
}
