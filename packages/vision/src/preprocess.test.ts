import { MgmError } from '@mgm/protocol';
import { describe, expect, it } from 'vitest';
import { photoLikePixels, solid } from '../test/images.ts';
import { hdSpec, llavaSpec, tinySpec } from '../test/specs.ts';
import type { ImageSpec, ProcessMode } from './image-spec.ts';
import type { RgbImage } from './image-types.ts';
import { preprocess, Preprocessor } from './preprocess.ts';
import { ImageKernels } from './wasm-kernels.ts';

const f32 = Math.fround;
const norm = (v: number, c: number, spec: ImageSpec): number => f32(f32(f32(v / 255) - f32(spec.mean[c] as number)) / f32(spec.std[c] as number));

/** Mean of channel c over view v of a [1, views, 3, s, s] tensor. */
function viewMean(t: Float32Array, v: number, c: number, s: number): number {
  const base = (v * 3 + c) * s * s;
  let sum = 0;
  for (let i = 0; i < s * s; i++) sum += t[base + i] as number;
  return sum / (s * s);
}

describe('preprocess shapes', () => {
  const image = photoLikePixels(250, 170, 2);
  const cases: [string, ImageSpec, number, number | null][] = [
    ['mgm-tiny', tinySpec, 1, 192],
    ['mgm-tiny-hd', hdSpec, 5, 384],
    ['llava-tiny', llavaSpec, 1, null],
  ];
  it.each(cases)('%s', async (_name, spec, views, hr) => {
    for (const mode of ['pad', 'crop', 'resize', 'default'] as ProcessMode[]) {
      const r = await preprocess(image, spec, mode);
      expect(r.imagesDims).toEqual([1, views, 3, 48, 48]);
      expect(r.images.length).toBe(views * 3 * 48 * 48);
      if (hr === null) {
        expect(r.imagesAux).toBeNull();
        expect(r.imagesAuxDims).toBeNull();
      } else {
        expect(r.imagesAuxDims).toEqual([1, 3, hr, hr]);
        expect(r.imagesAux?.length).toBe(3 * hr * hr);
      }
      expect(r.images.every(Number.isFinite)).toBe(true);
      expect(r.timingsMs.total).toBeGreaterThanOrEqual(r.timingsMs.clip);
    }
  });
});

describe('preprocess values', () => {
  const pre = new Preprocessor();

  it('normalises each channel as transformers does: (v/255 - mean) / std in float32', () => {
    const r = pre.run(solid(64, 64, [0, 128, 255]), tinySpec, 'crop');
    const aux = r.imagesAux as Float32Array;
    const plane = 192 * 192;
    expect(aux[0]).toBe(norm(0, 0, tinySpec));
    expect(aux[plane + 5000]).toBe(norm(128, 1, tinySpec));
    expect(aux[2 * plane + plane - 1]).toBe(norm(255, 2, tinySpec));
    // The LR view of a flat image is flat too.
    expect(r.images[1234]).toBeCloseTo(norm(0, 0, tinySpec), 6);
  });

  it('pads to a square with the pad colour, image centred (expand2square)', () => {
    // 300x100: side 300, image rows 100..199 of the square; at HR 192 that is rows 64..127.
    const r = pre.run(solid(300, 100, [250, 10, 10]), tinySpec, 'pad');
    const aux = r.imagesAux as Float32Array;
    const at = (c: number, y: number, x: number): number => aux[c * 192 * 192 + y * 192 + x] as number;
    for (const y of [0, 40, 150, 191]) {
      for (let c = 0; c < 3; c++) expect(at(c, y, 96)).toBe(norm(tinySpec.pad_color[c] as number, c, tinySpec));
    }
    expect(at(0, 96, 96)).toBe(norm(250, 0, tinySpec));
    expect(at(1, 96, 0)).toBe(norm(10, 1, tinySpec));
  });

  it('crop keeps the centre square of the shortest-edge resize', () => {
    // 300x100, left third red, middle green, right third blue: the crop is the green middle.
    const data = new Uint8Array(300 * 100 * 3);
    for (let y = 0; y < 100; y++) {
      for (let x = 0; x < 300; x++) data.set(x < 100 ? [255, 0, 0] : x < 200 ? [0, 255, 0] : [0, 0, 255], (y * 300 + x) * 3);
    }
    const r = pre.run({ data, width: 300, height: 100 }, tinySpec, 'crop');
    const aux = r.imagesAux as Float32Array;
    expect(aux[1 * 192 * 192 + 96 * 192 + 96]).toBe(norm(255, 1, tinySpec));
    expect(aux[0 * 192 * 192 + 96 * 192 + 96]).toBe(norm(0, 0, tinySpec));
    // Only the edge columns see the neighbours through the bicubic support.
    expect(aux[1 * 192 * 192 + 96 * 192 + 20]).toBe(norm(255, 1, tinySpec));
  });

  it('resize squashes the whole image to the square', () => {
    const data = new Uint8Array(300 * 100 * 3);
    for (let y = 0; y < 100; y++) for (let x = 0; x < 300; x++) data.set(x < 150 ? [255, 0, 0] : [0, 0, 255], (y * 300 + x) * 3);
    const aux = pre.run({ data, width: 300, height: 100 }, tinySpec, 'resize').imagesAux as Float32Array;
    expect(aux[96 * 192 + 10]).toBe(norm(255, 0, tinySpec));
    expect(aux[2 * 192 * 192 + 96 * 192 + 180]).toBe(norm(255, 2, tinySpec));
  });

  it("'default' is the CLIP processor's own resize + centre crop; no mode means the spec's", () => {
    const image = photoLikePixels(120, 90, 9);
    const byDefault = pre.run(image, tinySpec, 'default');
    const byCrop = pre.run(image, tinySpec, 'crop');
    expect(byDefault.imagesAux).toEqual(byCrop.imagesAux);
    const bySpec = pre.run(image, { ...tinySpec, process_mode: 'resize' });
    expect(bySpec.imagesAux).toEqual(pre.run(image, tinySpec, 'resize').imagesAux);
  });

  it('HD: crops row-major (top-left, top-right, bottom-left, bottom-right), then the global view', () => {
    const q: Record<string, [number, number, number]> = { tl: [255, 0, 0], tr: [0, 255, 0], bl: [0, 0, 255], br: [255, 255, 255] };
    const side = 384;
    const data = new Uint8Array(side * side * 3);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const key = `${y < side / 2 ? 't' : 'b'}${x < side / 2 ? 'l' : 'r'}`;
        data.set(q[key] as [number, number, number], (y * side + x) * 3);
      }
    }
    const r = pre.run({ data, width: side, height: side }, hdSpec, 'pad');
    expect(r.imagesDims).toEqual([1, 5, 3, 48, 48]);
    ['tl', 'tr', 'bl', 'br'].forEach((key, v) => {
      for (let c = 0; c < 3; c++) {
        expect(viewMean(r.images, v, c, 48)).toBeCloseTo(norm((q[key] as number[])[c] as number, c, hdSpec), 5);
      }
    });
    // The global view shows all four quadrants: its top-left pixel is red, bottom-right white.
    const g = 4 * 3 * 48 * 48;
    expect(r.images[g + 0]).toBeCloseTo(norm(255, 0, hdSpec), 5);
    expect(r.images[g + 2 * 48 * 48 + 0]).toBeCloseTo(norm(0, 2, hdSpec), 5);
    expect(r.images[g + 2 * 48 * 48 + 48 * 48 - 1]).toBeCloseTo(norm(255, 2, hdSpec), 5);
  });

  it('mgm: LR is the HR tensor bilinearly resized; llava: no HR branch', () => {
    const image = photoLikePixels(200, 200, 4);
    const mgm = pre.run(image, tinySpec, 'pad');
    const k = new ImageKernels();
    const expected = k.read(k.bilinear(k.write(mgm.imagesAux as Float32Array), 3, 192, 192, 48, 48));
    expect(mgm.images).toEqual(expected);
    const llava = pre.run(image, llavaSpec, 'pad');
    expect(llava.imagesAux).toBeNull();
    // llava runs the CLIP step at 48 directly: not the same pixels as bilinear from 192.
    expect(llava.images).not.toEqual(mgm.images);
  });

  it('rejects a bad mode, a buffer of the wrong size and an invalid spec', async () => {
    const image = solid(10, 10, [1, 2, 3]);
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(MgmError);
        return (e as MgmError).code;
      }
      return undefined;
    };
    expect(codeOf(() => pre.run(image, tinySpec, 'stretch' as ProcessMode))).toBe('BAD_REQUEST');
    const short: RgbImage = { ...image, data: image.data.subarray(0, 100) };
    expect(codeOf(() => pre.run(short, tinySpec))).toBe('IMAGE_INVALID');
    expect(codeOf(() => pre.run(image, { ...tinySpec, views: 3 }))).toBe('MANIFEST_INVALID');
    await expect(preprocess(image, { ...tinySpec, lr_size: 0 })).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });
  });
});

describe('ImageKernels', () => {
  const k = new ImageKernels();

  it('bilinear follows torch align_corners=False: halving averages pixel pairs, same size is identity', () => {
    const src = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const half = k.read(k.bilinear(k.write(src), 1, 4, 4, 2, 2));
    expect(Array.from(half)).toEqual([3.5, 5.5, 11.5, 13.5]);
    expect(k.read(k.bilinear(k.write(src), 1, 4, 4, 4, 4))).toEqual(src);
    // Upscale 2 -> 4: src = 0.5 * (dst + 0.5) - 0.5, clamped at 0: [a, 0.75a + 0.25b, 0.25a + 0.75b, b].
    const up = k.read(k.bilinear(k.write(new Float32Array([0, 4])), 1, 1, 2, 1, 4));
    expect(Array.from(up)).toEqual([0, 1, 3, 4]);
  });

  it('resize keeps a solid colour and is the identity at the same size', () => {
    const img = solid(37, 23, [12, 200, 99]);
    for (const [w, h] of [[10, 7], [100, 61], [37, 23]] as const) {
      for (const filter of ['bicubic', 'bilinear', 'lanczos'] as const) {
        const out = k.resize({ image: img }, { width: w, height: h, filter });
        expect(out.data).toEqual(solid(w, h, [12, 200, 99]).data);
      }
    }
    const photo = photoLikePixels(33, 21, 8);
    expect(k.resize({ image: photo }, { width: 33, height: 21, filter: 'bicubic' }).data).toEqual(photo.data);
  });

  it('gives memory back after a call that grew it past retainBytes', () => {
    const small = new ImageKernels(4 * 1024 * 1024);
    const idle = small.memoryBytes;
    const out = small.resize({ image: photoLikePixels(1200, 900, 3) }, { width: 600, height: 450, filter: 'bicubic' });
    expect(out.data.length).toBe(600 * 450 * 3);
    expect(small.memoryBytes).toBe(idle);
    const keeps = new ImageKernels();
    keeps.resize({ image: photoLikePixels(1200, 900, 3) }, { width: 600, height: 450, filter: 'bicubic' });
    expect(keeps.memoryBytes).toBeGreaterThan(3 * 1024 * 1024);
  });
});
