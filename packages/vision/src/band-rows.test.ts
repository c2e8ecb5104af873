import { describe, expect, it } from 'vitest';
import { photoLikePixels } from '../test/images.ts';
import { ImageKernels } from './wasm-kernels.ts';

describe('the horizontal pass reads its input a band of rows at a time', () => {
  const whole = new ImageKernels(128 * 1024 * 1024, 1 << 30);
  const oneRow = new ImageKernels(128 * 1024 * 1024, 1);
  const threeRows = new ImageKernels(128 * 1024 * 1024, 3 * 301 * 3);

  it('gives the same pixels whatever the band size (plain, cropped and padded resamples)', () => {
    const image = photoLikePixels(301, 207, 11);
    const cases = [
      { width: 150, height: 101, filter: 'bicubic' as const },
      { width: 640, height: 90, filter: 'lanczos' as const },
      { width: 120, height: 120, filter: 'bilinear' as const, crop: { left: 10, top: 7, width: 90, height: 100 } },
    ];
    for (const target of cases) {
      const reference = whole.resize({ image }, target);
      for (const kernels of [oneRow, threeRows]) {
        expect(Buffer.from(kernels.resize({ image }, target).data).equals(Buffer.from(reference.data)), JSON.stringify(target)).toBe(true);
      }
    }
    const pad = { side: 301, color: [122, 116, 104] as const };
    const padded = { width: 96, height: 96, filter: 'bicubic' as const };
    const reference = whole.resize({ image, pad }, padded);
    expect(Buffer.from(oneRow.resize({ image, pad }, padded).data).equals(Buffer.from(reference.data))).toBe(true);
  });

  it('keeps a large image out of WebAssembly memory (3000x2000 to 1344x896 in under 24 MB)', () => {
    const kernels = new ImageKernels();
    const image = photoLikePixels(3000, 2000, 3);
    const out = kernels.resize({ image }, { width: 1344, height: 896, filter: 'bicubic' });
    expect(out.width * out.height).toBe(1344 * 896);
    // Copied whole, the input would take 18 MB here, plus 8 MB of rows between the passes and
    // 3.6 MB of output (30 MB); by bands of 4 MB, about 16 MB.
    expect(kernels.memoryBytes).toBeLessThan(24 * 1024 * 1024);
  });
});
