import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type ChatMessage,
  type ImageMode,
  MgmError,
  type SamplingParams,
  type TokenLogprob,
  conversationSchema,
  imageModeSchema,
  samplingParamsSchema,
} from '@mgm/protocol';
import { type Logger, pino } from 'pino';
import { parseDevice } from './execution-provider.ts';
import { GenerationStream } from './generation/generation-stream.ts';
import type { ImageInput, PreprocessedImage, VisionApi } from './image-input.ts';
import { LocalPrefill, type PrefillExecutor } from './batching/prefill-executor.ts';
import { BusyOnlyPrefill } from './batching/busy-only-prefill.ts';
import { OnDemandPrefillThread } from './batching/on-demand-prefill-thread.ts';
import { PrefillThread } from './batching/prefill-thread.ts';
import { type LoadedManifest, type Manifest, loadManifest } from './manifest.ts';
import { MgmTokenizer } from './mgm-tokenizer.ts';
import { type BatchLayout, type BatchStats, BatchScheduler } from './batching/batch-scheduler.ts';
import { type GenerationContext, runGeneration } from './run-generation.ts';
import { type Dtype, type ModelSessions, assertFileExists, createSessions } from './sessions.ts';
import { getTemplate, renderGenerationPrompt } from './templates/render-prompt.ts';
import { createVision } from './vision-adapter.ts';
import { PrefixCache, type PrefixCacheStats } from './prefix-cache/prefix-cache.ts';

export interface LoadModelOptions {
  /** `cpu` (default), `cuda`, `cuda:N` or `webgpu`. */
  device?: string;
  /** Which graphs to load: `fp32` (default) or a variant the manifest lists. */
  dtype?: Dtype;
  logger?: Logger;
  /** onnxruntime intra-op threads per session (its default: all cores). */
  intraOpThreads?: number;
  /** Let onnxruntime's thread pools spin between runs (default false: better on shared CPUs). */
  allowSpinning?: boolean;
  /** Image decoding + preprocessing; @mgm/vision by default. */
  vision?: VisionApi;
  /** Sequences decoded together (continuous batching); 1 = one answer at a time. Default 8. */
  maxBatch?: number;
  /**
   * KV-cache tokens the admitted sequences may reserve together (each reserves its prompt plus
   * its max new tokens). Default: maxBatch × context length, so every slot can be used.
   */
  kvBudgetTokens?: number;
  /**
   * `exact` (default): each row's logits are bit-identical to its lone run (rows are stepped in
   * up to 4 decoder calls by length class); `packed`: one decoder call per step, faster, logits
   * within float rounding of the lone run.
   */
  batchLayout?: BatchLayout;
  /**
   * Most KV-budget tokens the prefix cache may hold (keys/values of recent prompts, features of
   * recent images): it only uses budget no live sequence reserved, and gives it back first.
   * 0 turns it off. Default: the whole KV budget.
   */
  prefixCacheTokens?: number;
  /**
   * Run new sequences' image preprocessing, vision and prefill on a worker thread with its own
   * sessions (a second copy of the graphs in memory), so the batch's decode steps keep running
   * meanwhile; false: they take turns with the steps on the model's thread. CPU only. `auto`: on
   * for a CPU model with maxBatch above 1 whose graphs take at most PREFILL_THREAD_AUTO_MAX_BYTES.
   * The thread starts the first time a question arrives while rows decode (a lone question never
   * needs it), not at load. Default false.
   */
  prefillThread?: boolean | 'auto';
  /** onnxruntime intra-op threads of the prefill thread's sessions (default: intraOpThreads). */
  prefillThreadOps?: number;
}

/** `prefillThread: 'auto'` loads the second copy of the graphs only for checkpoints this small. */
export const PREFILL_THREAD_AUTO_MAX_BYTES = 1024 ** 3;

/** The engine's default batch size (the worker's default is measured: see the README). */
export const DEFAULT_MAX_BATCH = 8;

export interface ModelInfo {
  name: string;
  displayName: string;
  architecture: Manifest['architecture'];
  template: string;
  device: string;
  executionProvider: string;
  dtype: Dtype;
  lrSize: number;
  hrSize: number | null;
  visualTokens: number;
  contextLength: number;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  /** Encoded image bytes, a decoded image (@mgm/vision), or ready tensors; null for none. */
  image?: ImageInput | null;
  imageMode?: ImageMode;
  params?: Partial<SamplingParams>;
  /** OCR text of the image (MGM --ocr), placed in the last user turn as "Reference OCR Token: …". */
  ocrText?: string | null;
  /** Ask for an image prompt in <h>…</h> (MGM --gen): " <GEN>" ends the last user message. */
  generateImage?: boolean;
  /** Replaces the chat template's system prompt (OpenAI `system` messages); null/absent: the template's own. */
  system?: string | null;
  /** Return the image's lens in result.lens: the inputs as the model received them, the mining attention. */
  explain?: boolean;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  /** With params.logprobs: each shown token's log-probability (and alternatives), before its text is streamed. */
  onLogprobs?: (entry: TokenLogprob) => void;
}

/** One loaded checkpoint: its sessions, tokenizer and template. Safe to generate concurrently. */
export class MgmModel {
  private closed = false;

  constructor(
    readonly manifest: Manifest,
    readonly info: ModelInfo,
    private readonly sessions: ModelSessions,
    private readonly ctx: GenerationContext,
    private readonly prefillThread: OnDemandPrefillThread | null = null,
  ) {}

  /** Whether new sequences' vision and prefill run on a thread of their own, beside the decode steps. */
  get prefillConcurrent(): boolean {
    return this.ctx.prefill.concurrent;
  }

  /** Whether that thread has started (it starts at the first question that arrives while rows decode). */
  get prefillThreadStarted(): boolean {
    return this.prefillThread?.started ?? false;
  }

  /**
   * Streams the answer to the last user message. Throws MgmError at once for an invalid
   * request; errors before the first token (bad image, PROMPT_TOO_LONG) reject `result`.
   */
  generate(req: GenerateRequest, opts: GenerateOptions = {}): GenerationStream {
    if (this.closed) throw new MgmError('WORKER_FAILED', `model ${this.info.name} is closed`);
    const messages = conversationSchema.safeParse(req.messages);
    if (!messages.success) throw badRequest('messages', messages.error.issues);
    const params = samplingParamsSchema.safeParse(stripUndefined(req.params ?? {}));
    if (!params.success) throw badRequest('params', params.error.issues);
    const imageMode = req.imageMode === undefined ? undefined : imageModeSchema.safeParse(req.imageMode);
    if (imageMode && !imageMode.success) throw badRequest('imageMode', imageMode.error.issues);

    const controller = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, controller.signal]) : controller.signal;
    const stream = new GenerationStream(controller);
    void runGeneration(
      this.ctx,
      {
        messages: messages.data,
        image: req.image ?? null,
        imageMode: imageMode?.data,
        params: params.data,
        signal,
        extras: { ocrText: req.ocrText ?? null, generateImage: req.generateImage ?? false, system: req.system ?? null },
        ...(opts.onLogprobs ? { onLogprobs: opts.onLogprobs } : {}),
        explain: req.explain === true,
      },
      stream,
    );
    return stream;
  }

  /** Batch occupancy, KV-cache use, the batch sizes of the decode steps so far, and the prefix cache. */
  batchStats(): BatchStats & { prefixCache: PrefixCacheStats } {
    return { ...this.ctx.scheduler.stats(), prefixCache: this.ctx.prefixCache.stats() };
  }

  /** The exact text prompt `generate` would tokenise for this request (before image tokens). */
  renderPrompt(req: Pick<GenerateRequest, 'messages' | 'image' | 'ocrText' | 'generateImage' | 'system'>): string {
    const messages = conversationSchema.safeParse(req.messages);
    if (!messages.success) throw badRequest('messages', messages.error.issues);
    return renderGenerationPrompt(this.info.template, messages.data, (req.image ?? null) !== null, {
      ocrText: req.ocrText ?? null,
      generateImage: req.generateImage ?? false,
      system: req.system ?? null,
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ctx.prefixCache.clear();
    await this.ctx.prefill.close();
    await Promise.all([this.sessions.vision.release(), this.sessions.embed.release(), this.sessions.decoder.release()]);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function badRequest(field: string, issues: readonly { path: PropertyKey[]; message: string }[]): MgmError {
  const text = issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  return new MgmError('BAD_REQUEST', `invalid ${field}: ${text}`, { details: { field, issues } });
}

/** Loads a checkpoint folder (or its mgm.json): manifest, template, tokenizer, sessions. */
export async function loadModel(dirOrManifestPath: string, opts: LoadModelOptions = {}): Promise<MgmModel> {
  const loaded: LoadedManifest = await loadManifest(dirOrManifestPath);
  const { manifest } = loaded;
  const template = getTemplate(manifest.template);
  const device = parseDevice(opts.device);
  const dtype = opts.dtype ?? 'fp32';
  const logger = (opts.logger ?? pino({ level: 'silent' })).child({ model: manifest.name });

  const tokenizerFile = path.resolve(loaded.dir, manifest.files.tokenizer);
  await assertFileExists(tokenizerFile, 'tokenizer');
  const tokenizer = await MgmTokenizer.fromFile(tokenizerFile);
  checkSpecialTokens(manifest, tokenizer);

  const vision = opts.vision ?? createVision();
  const spec = vision.parseSpec(manifest.image);
  const sessions = await createSessions(loaded, {
    device,
    dtype,
    logger,
    intraOpThreads: opts.intraOpThreads,
    allowSpinning: opts.allowSpinning,
  });

  const maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH;
  const kvBudgetTokens = opts.kvBudgetTokens ?? maxBatch * manifest.context_length;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new MgmError('BAD_REQUEST', `maxBatch must be a positive integer, got ${maxBatch}`);
  if (!Number.isInteger(kvBudgetTokens) || kvBudgetTokens < 1) {
    throw new MgmError('BAD_REQUEST', `kvBudgetTokens must be a positive integer, got ${kvBudgetTokens}`);
  }
  const scheduler = new BatchScheduler({
    embed: sessions.embed,
    decoder: sessions.decoder,
    manifest,
    logger,
    maxBatch,
    kvBudgetTokens,
    layout: opts.batchLayout ?? 'exact',
  });
  const prefixCacheTokens = opts.prefixCacheTokens ?? kvBudgetTokens;
  if (!Number.isInteger(prefixCacheTokens) || prefixCacheTokens < 0) {
    throw new MgmError('BAD_REQUEST', `prefixCacheTokens must be a non-negative integer, got ${prefixCacheTokens}`);
  }
  const prefixCache = new PrefixCache({
    maxTokens: prefixCacheTokens,
    bytesPerToken: scheduler.stats().kvBytesPerToken,
    ledger: scheduler.admission,
  });
  scheduler.admission.setCachedKvHolder(prefixCache);

  const st = manifest.special_tokens;
  const stopTokenIds = new Set<number>([st.eos_id]);
  for (const s of template.stopStrings) {
    const id = tokenizer.tokenToId(s);
    if (id !== undefined) stopTokenIds.add(id);
  }
  const hiddenIds = new Set<number>([st.bos_id, st.pad_id].filter((x): x is number => x !== undefined && !stopTokenIds.has(x)));
  const prepareImage = async (image: Exclude<ImageInput, PreprocessedImage>, mode: ImageMode | undefined): Promise<PreprocessedImage> => {
    const decoded = image instanceof Uint8Array ? await vision.decodeImage(image) : image;
    return vision.preprocess(decoded, spec, mode);
  };
  const local = new LocalPrefill({ ...sessions, manifest, compute: scheduler.compute, prepareImage });
  let prefill: PrefillExecutor = local;
  let thread: OnDemandPrefillThread | null = null;
  const wantThread = prefillThreadWanted(opts.prefillThread ?? false, {
    cpu: device.backend === 'cpu',
    maxBatch,
    graphBytes: opts.prefillThread === 'auto' ? await graphBytes(sessions.files) : 0,
  });
  if (wantThread) {
    if (device.backend !== 'cpu') {
      await Promise.all([sessions.vision.release(), sessions.embed.release(), sessions.decoder.release()]);
      throw new MgmError('BAD_REQUEST', `prefillThread is for the CPU device only (it loads a second copy of the graphs on its thread), not ${device.device}`);
    }
    thread = new OnDemandPrefillThread(
      () =>
        PrefillThread.start({
          checkpoint: path.resolve(dirOrManifestPath),
          dtype,
          preprocess: opts.vision === undefined,
          logger,
          prepareImage,
          fallback: local,
          ...(opts.prefillThreadOps ?? opts.intraOpThreads ? { intraOpThreads: opts.prefillThreadOps ?? opts.intraOpThreads } : {}),
          ...(opts.allowSpinning !== undefined ? { allowSpinning: opts.allowSpinning } : {}),
        }),
      logger,
    );
    prefill = new BusyOnlyPrefill(thread, local, () => scheduler.decodingRows);
  }
  const ctx: GenerationContext = {
    manifest,
    sessions,
    tokenizer,
    stopStrings: template.stopStrings,
    stopTokenIds,
    hiddenIds,
    prepareImage,
    logger,
    scheduler,
    prefixCache,
    prefill,
  };
  const info: ModelInfo = {
    name: manifest.name,
    displayName: manifest.display_name ?? manifest.name,
    architecture: manifest.architecture,
    template: manifest.template,
    device: device.device,
    executionProvider: device.executionProvider,
    dtype,
    lrSize: manifest.image.lr_size,
    hrSize: manifest.image.hr_size,
    visualTokens: manifest.image.visual_tokens,
    contextLength: manifest.context_length,
  };
  logger.info({ device: info.device, dtype, files: sessions.files, maxBatch, kvBudgetTokens, prefixCacheTokens, prefillThread: prefill.concurrent }, 'model loaded');
  return new MgmModel(manifest, info, sessions, ctx, thread);
}

/** The manifest's special tokens must be what the tokenizer says they are. */
function checkSpecialTokens(manifest: Manifest, tokenizer: MgmTokenizer): void {
  const st = manifest.special_tokens;
  const pairs: [string | undefined, number | undefined][] = [
    [st.bos, st.bos_id],
    [st.eos, st.eos_id],
    [st.pad, st.pad_id],
  ];
  for (const [token, id] of pairs) {
    if (token === undefined || id === undefined) continue;
    const actual = tokenizer.tokenToId(token);
    if (actual !== id) {
      throw new MgmError(
        'MANIFEST_INVALID',
        `${manifest.name}: special token ${token} is id ${actual ?? 'absent'} in the tokenizer but ${id} in mgm.json`,
      );
    }
  }
}

/** Whether the prefill thread runs: as asked, or for `auto` on a batching CPU model with small graphs. */
export function prefillThreadWanted(option: boolean | 'auto', model: { cpu: boolean; maxBatch: number; graphBytes: number }): boolean {
  if (option !== 'auto') return option;
  return model.cpu && model.maxBatch > 1 && model.graphBytes <= PREFILL_THREAD_AUTO_MAX_BYTES;
}

/** Bytes of a model's graph files (their external weight files included). */
async function graphBytes(files: ModelSessions['files']): Promise<number> {
  let total = 0;
  for (const file of Object.values(files)) {
    total += (await stat(file)).size;
    total += await stat(`${file}.data`).then((s) => s.size, () => 0);
  }
  return total;
}
