// A thread of the image pool (image-pool.ts): decodes, checks and downscales uploads with
// @mgm/vision, one at a time, keeping its WebAssembly kernels between uploads.
import { workerData } from 'node:worker_threads';
import { ImageKernels, normalizeUpload } from '@mgm/vision';
import { imageTaskSchema, imageWorkerDataSchema } from './image-task.ts';
import { serveTasks } from './threads/serve-tasks.ts';

const { limits } = imageWorkerDataSchema.parse(workerData);
const kernels = new ImageKernels();

serveTasks(
  (request) => imageTaskSchema.parse(request),
  async ({ bytes }) => {
    const image = await normalizeUpload(bytes, limits, kernels);
    // A copy the caller can own: sharp's output buffer cannot be moved to another thread.
    const png = new Uint8Array(image.png);
    return { result: { ...image, png }, transfer: [png.buffer] };
  },
);
