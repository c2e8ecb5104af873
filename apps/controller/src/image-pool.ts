import type { Logger } from 'pino';
// Loads sharp (through @mgm/vision) on the main thread before any image thread starts: with
// glibc, a thread that exits would otherwise unload libvips under the others (sharp's advice).
import '@mgm/vision';
import type { NormalizedImage } from './image-store.ts';
import { normalizedImageSchema, type ImageWorkerData } from './image-task.ts';
import { siblingModule } from './threads/module-worker.ts';
import { WorkerPool, type WorkerPoolStats } from './threads/worker-pool.ts';

export interface ImagePoolOptions {
  /** Uploads decoded at once (IMAGE_THREADS). */
  threads: number;
  /** Uploads that may wait for a thread (IMAGE_QUEUE); beyond, 503 UNAVAILABLE with Retry-After. */
  maxQueue: number;
  /** Decode limits (file size; pixels default to @mgm/vision's 40 megapixels). */
  limits: ImageWorkerData['limits'];
  /** An idle thread exits after this long, giving back its memory (default 30 s). */
  idleExitMs?: number;
  logger: Logger;
}

/**
 * Uploads are normalised in a few worker threads (decode with sharp, MGM's downscale in
 * WebAssembly, PNG encode, sha256), never on the event loop: a 40-megapixel photo takes the
 * better part of a second of CPU and 120 MB of pixels. Threads and waiting uploads are bounded,
 * which bounds the memory too: at most `threads` decoded images at a time.
 */
export class ImagePool {
  private readonly pool: WorkerPool<NormalizedImage>;

  constructor(options: ImagePoolOptions) {
    this.pool = new WorkerPool<NormalizedImage>({
      name: 'image',
      entry: siblingModule(import.meta.url, 'image-worker'),
      threads: options.threads,
      maxQueue: options.maxQueue,
      idleExitMs: options.idleExitMs ?? 30_000,
      parseResult: (result) => normalizedImageSchema.parse(result),
      workerData: { limits: options.limits } satisfies ImageWorkerData,
      logger: options.logger.child({ component: 'image-pool' }),
    });
  }

  /**
   * Normalises an upload in a thread. With `transfer`, the bytes move to the thread when it takes
   * the upload (no copy; the caller must not use them afterwards).
   */
  normalize(bytes: Uint8Array, options: { transfer?: boolean } = {}): Promise<NormalizedImage> {
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    const owned = options.transfer && whole ? bytes : new Uint8Array(bytes);
    return this.pool.run({ bytes: owned }, [owned.buffer as ArrayBuffer]);
  }

  get stats(): WorkerPoolStats {
    return this.pool.stats;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
