import type { ImageMode } from '@mgm/protocol';
import type * as ort from 'onnxruntime-node';
import { DecoderRunner } from '../generation/decoder-runner.ts';
import { promptEmbeds } from '../generation/prompt-embeds.ts';
import { type ImageInput, type PreprocessedImage, assertImageTensors, encodeImage, isPreprocessedImage } from '../image-input.ts';
import type { Manifest } from '../manifest.ts';
import type { ComputeLock } from './compute-lock.ts';

type Session = Pick<ort.InferenceSession, 'run'>;

/** What a new sequence's prefill starts from. */
export interface PrefillRequest {
  /** The prompt's text ids; the visual rows go in before `imageAt` (-1: none). */
  ids: readonly number[];
  imageAt: number;
  visual: number;
  /** The image's features; null without an image or when the cached prefix covers it. */
  features: Float32Array | null;
  /** Keys/values of the prompt's first `length` positions (prefix cache): only the rest is run. */
  prefix: { past: Record<string, ort.Tensor>; length: number } | null;
  promptLength: number;
}

/** A prefilled prompt: the logits row after its last position and its KV cache. */
export interface Prefilled {
  logits: Float32Array;
  /** Keyed by past.* input names, `[1, heads, length, head_dim]`. */
  cache: Record<string, ort.Tensor>;
  length: number;
  /** The prefill's own time (embeddings + decoder call), not its wait. */
  prefillMs: number;
}

export interface EncodedImage {
  features: Float32Array;
  preprocessMs: number;
  visionMs: number;
}

/**
 * Where a new sequence's per-question work runs: image preprocessing, vision and prefill.
 * In this thread, taking turns with the batch's decode steps (LocalPrefill), or on a thread of
 * its own with its own sessions, while the batch keeps stepping (PrefillThread).
 */
export interface PrefillExecutor {
  /** True when its work runs beside the decode steps instead of taking turns with them. */
  readonly concurrent: boolean;
  encodeImage(image: ImageInput, mode: ImageMode | undefined): Promise<EncodedImage>;
  prefill(req: PrefillRequest): Promise<Prefilled>;
  close(): Promise<void>;
}

export interface LocalPrefillDeps {
  vision: Session;
  embed: Session;
  decoder: Session;
  manifest: Manifest;
  /** Shared with the batch's decode steps: vision and prefill wait for the step in flight. */
  compute: ComputeLock;
  prepareImage: (image: Exclude<ImageInput, PreprocessedImage>, mode: ImageMode | undefined) => Promise<PreprocessedImage>;
}

const now = (): number => performance.now();

/** Vision and prefill on the calling thread, each under the compute lock (one heavy call at a time). */
export class LocalPrefill implements PrefillExecutor {
  readonly concurrent = false;

  constructor(private readonly deps: LocalPrefillDeps) {}

  async encodeImage(image: ImageInput, mode: ImageMode | undefined): Promise<EncodedImage> {
    const { manifest } = this.deps;
    const tp = now();
    const img = isPreprocessedImage(image) ? image : await this.deps.prepareImage(image, mode);
    assertImageTensors(img, manifest);
    const preprocessMs = now() - tp;
    let visionMs = 0;
    // Timed inside the lock: vision's own time, not the wait for a step to finish.
    const features = await this.deps.compute.run(async () => {
      const tv = now();
      const out = await encodeImage(this.deps.vision, img, manifest);
      visionMs = now() - tv;
      return out;
    });
    return { features, preprocessMs, visionMs };
  }

  async prefill(req: PrefillRequest): Promise<Prefilled> {
    return this.deps.compute.run(() => runPrefill(this.deps.embed, this.deps.decoder, this.deps.manifest, req));
  }

  async close(): Promise<void> {}
}

/** Embeddings and one decoder call over what the prefix does not cover (shared by both executors). */
export async function runPrefill(embed: Session, decoder: Session, manifest: Manifest, req: PrefillRequest): Promise<Prefilled> {
  const t = now();
  const runner = new DecoderRunner(embed, decoder, manifest, req.promptLength);
  const from = req.prefix?.length ?? 0;
  if (req.prefix) runner.resumeFrom(req.prefix.past, req.prefix.length);
  const embeds = await promptEmbeds(runner, req, req.features, req.visual, from, manifest.llm.hidden_size);
  const logits = await runner.prefill(embeds, req.promptLength - from);
  return { logits, cache: runner.cache, length: runner.cachedLength, prefillMs: now() - t };
}
