import type { RgbImage } from './image-types.ts';
import type { ResampleFilter } from './resample-coeffs.ts';
import { ImageKernels } from './wasm-kernels.ts';

/** PIL `Image.resize((width, height), filter)` on 8-bit RGB, bit for bit. */
export function resizeRgb(image: RgbImage, width: number, height: number, filter: ResampleFilter = 'bicubic', kernels: ImageKernels = new ImageKernels()): RgbImage {
  return kernels.resize({ image }, { width, height, filter });
}
