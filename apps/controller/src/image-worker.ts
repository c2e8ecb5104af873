// A thread of the image pool (image-pool.ts): decodes, checks and downscales uploads with
// @mgm/vision, one at a time, keeping its WebAssembly kernels between uploads.
import { workerData } from 'node:worker_threads';
import { ImageKernels, normalizeUpload } from '@mgm/vision';
import { imageTaskSchema, imageWorkerDataSchema } from './image-task.ts';
import { serveTasks } from './threads/serve-tasks.ts';

const { limits } = imageWorkerDataSchema.parse(workerData);
const kernels = new ImageKernels();
/**
 * Above this many pixels (24 MB decoded) the thread retires after the upload: sharp's decoded
 * buffer is memory V8 does not count, so a thread that goes on would keep up to one such buffer
 * per upload until its heap happens to be collected (hundreds of MB after a few 40-megapixel
 * photos). A fresh thread starts in about a tenth of a second (compiled).
 */
const RETIRE_PIXELS = 8_000_000;

serveTasks(
  (request) => imageTaskSchema.parse(request),
  async ({ bytes }) => {
    const image = await normalizeUpload(bytes, limits, kernels);
    // A copy the caller can own: sharp's output buffer cannot be moved to another thread.
    const png = new Uint8Array(image.png);
    const { source, ...result } = image;
    return { result: { ...result, png }, transfer: [png.buffer], retire: source.width * source.height > RETIRE_PIXELS };
  },
);
