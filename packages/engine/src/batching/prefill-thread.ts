import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type ImageMode, MgmError } from '@mgm/protocol';
import type { Logger } from 'pino';
import { type ImageInput, type PreprocessedImage, isPreprocessedImage } from '../image-input.ts';
import type { EncodedImage, PrefillExecutor, PrefillRequest, Prefilled } from './prefill-executor.ts';
import {
  type PrefillThreadInit,
  type PrefillThreadReply,
  type PrefillThreadRequest,
  fromWireError,
  fromWireTensors,
  toWireTensors,
  transferables,
} from './prefill-thread-messages.ts';

type Reply = Extract<PrefillThreadReply, { id: number }>;
interface Pending {
  resolve: (reply: Reply) => void;
  reject: (error: unknown) => void;
}

export interface PrefillThreadOptions extends PrefillThreadInit {
  logger: Logger;
  /** Takes the work if the thread fails (exits, or throws outside a request): the model keeps serving, in turn. */
  fallback: PrefillExecutor;
  /** Preprocessing on this thread, for images the thread may not preprocess (`preprocess` false). */
  prepareImage: (image: Exclude<ImageInput, PreprocessedImage>, mode: ImageMode | undefined) => Promise<PreprocessedImage>;
}

/**
 * Image preprocessing, vision and prefill of new sequences on a worker thread with its own
 * sessions of the checkpoint (a second copy of its weights in memory), so the batch's decode
 * steps on the model's thread keep running meanwhile: onnxruntime-node's `run` holds the
 * calling thread for the whole call, so on one thread a newcomer's ≈ 15 ms of vision and prefill
 * (mgm-tiny) would stop every running answer. Same graphs, same session options: the same bits.
 */
export class PrefillThread implements PrefillExecutor {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly options: PrefillThreadOptions,
  ) {
    worker.on('message', (reply: PrefillThreadReply) => {
      if (!('id' in reply)) return;
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      p?.resolve(reply);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the prefill thread exited (code ${code})`)));
  }

  /** Starts the thread and waits until its sessions are loaded. */
  static async start(options: PrefillThreadOptions): Promise<PrefillThread> {
    const ext = path.extname(fileURLToPath(import.meta.url));
    const entry = new URL(`./prefill-thread-main${ext}`, import.meta.url);
    const init: PrefillThreadInit = {
      checkpoint: options.checkpoint,
      dtype: options.dtype,
      preprocess: options.preprocess,
      ...(options.intraOpThreads !== undefined ? { intraOpThreads: options.intraOpThreads } : {}),
      ...(options.allowSpinning !== undefined ? { allowSpinning: options.allowSpinning } : {}),
    };
    // From sources (.ts: tsx, vitest) the thread loads its entry through tsx, which a worker
    // thread does not inherit from the process's --import.
    const worker =
      ext === '.ts'
        ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(import.meta.url)}))`, {
            eval: true,
            workerData: init,
          })
        : new Worker(entry, { workerData: init });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (reply: PrefillThreadReply) => {
        if (reply.kind === 'ready') done(null);
        else if (reply.kind === 'failed') done(fromWireError(reply.error));
      };
      const onError = (error: unknown) => done(error);
      const onExit = (code: number) => done(new Error(`the prefill thread exited while loading (code ${code})`));
      const done = (error: unknown) => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (error) {
          void worker.terminate();
          reject(error);
        } else resolve();
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
    return new PrefillThread(worker, options);
  }

  /** False once the thread failed and its fallback took over. */
  get concurrent(): boolean {
    return this.failure === null;
  }

  async encodeImage(image: ImageInput, mode: ImageMode | undefined): Promise<EncodedImage> {
    if (this.failure) return this.options.fallback.encodeImage(image, mode);
    let preprocessMs = 0;
    let input: ImageInput = image;
    if (!isPreprocessedImage(image) && !this.options.preprocess) {
      const t = performance.now();
      input = await this.options.prepareImage(image, mode);
      preprocessMs = performance.now() - t;
    }
    const { message, transfer } = ownedImage(input);
    const reply = await this.call({ id: 0, kind: 'encode', image: message, mode }, transfer);
    if (reply.kind !== 'encoded') throw new Error(`the prefill thread answered ${reply.kind} to encode`);
    return { features: reply.features, preprocessMs: preprocessMs + reply.preprocessMs, visionMs: reply.visionMs };
  }

  async prefill(req: PrefillRequest): Promise<Prefilled> {
    if (this.failure) return this.options.fallback.prefill(req);
    const reply = await this.call({
      id: 0,
      kind: 'prefill',
      ids: [...req.ids],
      imageAt: req.imageAt,
      visual: req.visual,
      features: req.features,
      prefix: req.prefix ? { past: toWireTensors(req.prefix.past), length: req.prefix.length } : null,
      promptLength: req.promptLength,
    });
    if (reply.kind !== 'prefilled') throw new Error(`the prefill thread answered ${reply.kind} to prefill`);
    return { logits: reply.logits, cache: fromWireTensors(reply.cache), length: reply.length, prefillMs: reply.prefillMs };
  }

  async close(): Promise<void> {
    this.failure ??= new MgmError('WORKER_FAILED', 'the model is closed');
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
    this.rejectAll(this.failure);
  }

  private call(req: PrefillThreadRequest, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    }).then((reply) => {
      if (reply.kind === 'error') throw fromWireError(reply.error);
      return reply;
    });
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.options.logger.error({ err: error }, 'the prefill thread failed: new sequences prefill on the model thread, in turn with the steps');
    this.failure = new MgmError('WORKER_FAILED', `the prefill thread failed: ${error.message}`, { cause: error });
    this.rejectAll(this.failure);
  }

  private rejectAll(error: unknown): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}

/**
 * The image with typed arrays that own their buffers, to move to the thread: a structured clone
 * of a view would copy its whole underlying buffer (a Redis reply's, say), so views are copied out.
 */
function ownedImage(image: ImageInput): { message: ImageInput; transfer: ArrayBuffer[] } {
  const own = <T extends ArrayBufferView & { slice(): T }>(a: T): T => a.slice();
  if (image instanceof Uint8Array) {
    const bytes = own(image);
    return { message: bytes, transfer: transferables([bytes]) };
  }
  if (isPreprocessedImage(image)) {
    const images = own(image.images);
    const imagesAux = image.imagesAux ? own(image.imagesAux) : null;
    return {
      message: { images, imagesDims: [...image.imagesDims], imagesAux, imagesAuxDims: image.imagesAuxDims ? [...image.imagesAuxDims] : null },
      transfer: transferables([images, imagesAux]),
    };
  }
  const data = own(image.data);
  return { message: { ...image, data }, transfer: transferables([data]) };
}
