import sharp from 'sharp';
import type { RgbImage } from '../src/image-types.ts';

/**
 * Deterministic photo-like pixels: smooth colour gradients, a few hard-edged discs, fine texture
 * and sensor-like noise (used by the benchmark and the tests).
 */
export function photoLikePixels(width: number, height: number, seed = 1): RgbImage {
  let state = seed >>> 0;
  const rand = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const scale = Math.max(width, height) / 1000;
  const data = new Uint8ClampedArray(width * height * 3);
  const discs = Array.from({ length: 6 }, () => ({
    x: rand() * width,
    y: rand() * height,
    r: (40 + rand() * 160) * scale,
    c: [rand() * 255, rand() * 255, rand() * 255],
  }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / scale;
      const v = y / scale;
      let r = 90 + 80 * Math.sin(u / 97) * Math.cos(v / 131);
      let g = 110 + 60 * Math.sin((u + v) / 173);
      let b = 130 + 70 * Math.cos(u / 61 - v / 89);
      const tex = 18 * Math.sin(x / 2.3) * Math.sin(y / 3.1);
      for (const d of discs) {
        if ((x - d.x) ** 2 + (y - d.y) ** 2 < d.r * d.r) {
          r = d.c[0] as number;
          g = d.c[1] as number;
          b = d.c[2] as number;
        }
      }
      const i = (y * width + x) * 3;
      data[i] = r + tex + (rand() - 0.5) * 16;
      data[i + 1] = g + tex + (rand() - 0.5) * 16;
      data[i + 2] = b + tex + (rand() - 0.5) * 16;
    }
  }
  return { data: new Uint8Array(data.buffer), width, height };
}

/** The photo-like image as a camera JPEG (quality 90). */
export async function photoLikeJpeg(width = 1000, height = 750, seed = 1): Promise<Uint8Array> {
  const { data } = photoLikePixels(width, height, seed);
  const jpeg = await sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
}
