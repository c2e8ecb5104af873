import { describe, expect, it } from 'vitest';
import { photoLikePixels } from '../test/images.ts';
import { hdSpec, llavaSpec, tinySpec } from '../test/specs.ts';
import type { ImageSpec } from './image-spec.ts';
import type { RgbImage } from './image-types.ts';
import { Preprocessor } from './preprocess.ts';
import { ImageKernels } from './wasm-kernels.ts';

/** expand2square written out in full: the image centred on a square of the pad colour. */
function expand2square(image: RgbImage, color: readonly number[]): RgbImage {
  const side = Math.max(image.width, image.height);
  const data = new Uint8Array(side * side * 3);
  for (let i = 0; i < data.length; i += 3) data.set(color, i);
  const left = Math.floor((side - image.width) / 2);
  const top = Math.floor((side - image.height) / 2);
  for (let y = 0; y < image.height; y++) {
    data.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), ((top + y) * side + left) * 3);
  }
  return { data, width: side, height: side };
}

const bytesOf = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('pad mode without the padded square', () => {
  // Pad mode reads only the image's rows and the border pixels the filters reach, and fills the
  // rest; these compare it, bit for bit, with the same steps run on the square written out
  // (crop mode on a square is the CLIP processor on that square: the pad-mode geometry).
  const pre = new Preprocessor();
  const specs: [string, ImageSpec][] = [
    ['tiny', tinySpec],
    ['hd', hdSpec],
    ['llava', llavaSpec],
    ['bilinear', { ...tinySpec, resample: 'bilinear' }],
    ['lanczos', { ...tinySpec, resample: 'lanczos' }],
    ['hr = side', { ...tinySpec, hr_size: 250 }],
  ];
  const sizes: [number, number][] = [[250, 170], [170, 250], [61, 37], [401, 97], [40, 333], [2, 300], [300, 1], [193, 192], [1000, 120], [249, 250]];

  it.each(specs)('%s: images, images_aux and the CLIP pixels equal those of the written-out square', (_name, spec) => {
    for (const [w, h] of sizes) {
      const image = photoLikePixels(w, h, w * 31 + h);
      const square = expand2square(image, spec.pad_color);
      const padded = pre.run(image, spec, 'pad');
      const reference = pre.run(square, spec, 'crop');
      expect(bytesOf(padded.images).equals(bytesOf(reference.images)), `${w}x${h} images`).toBe(true);
      if (reference.imagesAux) {
        expect(bytesOf(padded.imagesAux as Float32Array).equals(bytesOf(reference.imagesAux)), `${w}x${h} images_aux`).toBe(true);
      } else {
        expect(padded.imagesAux).toBeNull();
      }
      expect(Buffer.from(pre.clipPixels(image, spec, 'pad').data).equals(Buffer.from(pre.clipPixels(square, spec, 'crop').data)), `${w}x${h} pixels`).toBe(true);
    }
  });

  it('never writes the padded square into WebAssembly memory (a 4000x400 panorama at HR 192)', () => {
    const kernels = new ImageKernels();
    const r = new Preprocessor(kernels).run(photoLikePixels(4000, 400, 5), tinySpec, 'pad');
    expect(r.imagesAuxDims).toEqual([1, 3, 192, 192]);
    // The square alone would be 4000 * 4000 * 3 = 48 MB; the image is 4.8 MB.
    expect(kernels.memoryBytes).toBeLessThan(16 * 1024 * 1024);
  });
});
