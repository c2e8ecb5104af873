import type { LensPicture } from './image-lens.ts';

/**
 * One CHW float32 image of a preprocessed tensor back to RGB bytes: x * std + mean, clamped to
 * [0, 1], times 255. `offset` is where the image starts in `data` (in elements).
 */
export function tensorToPicture(
  data: Float32Array,
  offset: number,
  size: number,
  mean: readonly number[],
  std: readonly number[],
): LensPicture {
  const plane = size * size;
  const rgb = new Uint8Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    const m = mean[c] ?? 0;
    const s = std[c] ?? 1;
    const base = offset + c * plane;
    for (let i = 0; i < plane; i++) {
      const v = ((data[base + i] as number) * s + m) * 255;
      rgb[i * 3 + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  return { width: size, height: size, rgb };
}
