import { MgmError } from '@mgm/protocol';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encode, encodeRgb, photoLikePixels, pixel, solid } from '../test/images.ts';
import { decodeImage } from './decode-image.ts';

async function rejection(promise: Promise<unknown>): Promise<MgmError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MgmError);
  return error as MgmError;
}

const near = (a: number[], b: number[], tol: number): boolean => a.every((v, i) => Math.abs(v - (b[i] as number)) <= tol);

describe('decodeImage', () => {
  it('decodes lossless formats to the exact RGB pixels', async () => {
    const img = photoLikePixels(61, 37, 3);
    for (const format of ['png', 'webp', 'tiff', 'avif'] as const) {
      const decoded = await decodeImage(await encodeRgb(img, format));
      expect(decoded.format).toBe(format);
      expect([decoded.width, decoded.height]).toEqual([61, 37]);
      expect(decoded.data.length).toBe(61 * 37 * 3);
      expect(Buffer.from(decoded.data).equals(Buffer.from(img.data))).toBe(true);
    }
  });

  it('decodes JPEG', async () => {
    const decoded = await decodeImage(await encodeRgb(solid(32, 24, [200, 40, 90]), 'jpeg'));
    expect(decoded).toMatchObject({ format: 'jpeg', width: 32, height: 24 });
    expect(near(pixel(decoded, 16, 12), [200, 40, 90], 3)).toBe(true);
  });

  it('rejects a zero-byte file', async () => {
    const e = await rejection(decodeImage(new Uint8Array(0)));
    expect(e.code).toBe('IMAGE_INVALID');
    expect(e.message).toMatch(/empty/);
  });

  it('rejects bytes that are not an image', async () => {
    const e = await rejection(decodeImage(new TextEncoder().encode('hello, this is not a picture')));
    expect(e.code).toBe('IMAGE_INVALID');
    expect(e.message).toMatch(/not an image/);
  });

  it('rejects formats outside the list (SVG)', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
    const e = await rejection(decodeImage(new TextEncoder().encode(svg)));
    expect(e.code).toBe('IMAGE_INVALID');
    expect(e.message).toMatch(/svg format are not supported/);
  });

  it.each(['jpeg', 'png'] as const)('rejects a truncated %s', async (format) => {
    const full = await encodeRgb(photoLikePixels(120, 90, 5), format);
    for (const keep of [0.5, 0.95]) {
      const e = await rejection(decodeImage(full.subarray(0, Math.floor(full.length * keep))));
      expect(e.code).toBe('IMAGE_INVALID');
      expect(e.message).toMatch(/damaged or truncated|not an image/);
    }
  });

  it('rejects too many pixels before decoding (decompression bomb)', async () => {
    // 8000 x 6000 of one colour compresses to a few hundred kB of PNG.
    const bomb = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#808080' } }).png().toBuffer();
    expect(bomb.length).toBeLessThan(1_000_000);
    const e = await rejection(decodeImage(bomb));
    expect(e.code).toBe('IMAGE_TOO_LARGE');
    expect(e.message).toBe('The image is 8000x6000 (48.0 megapixels); the limit is 40.0 megapixels.');
    const e2 = await rejection(decodeImage(await encodeRgb(solid(100, 100, [1, 2, 3]), 'png'), { maxPixels: 5000 }));
    expect(e2.code).toBe('IMAGE_TOO_LARGE');
    expect(e2.details).toMatchObject({ width: 100, height: 100, maxPixels: 5000 });
  });

  it('refuses a sliver (2000x1, 1x2000) with IMAGE_INVALID, and accepts 32:1', async () => {
    for (const [w, h] of [
      [2000, 1],
      [1, 2000],
      [330, 10],
    ] as const) {
      const e = await rejection(decodeImage(await encodeRgb(solid(w, h, [9, 9, 9]), 'png')));
      expect(e.code).toBe('IMAGE_INVALID');
      expect(e.message).toContain(`${w}x${h}`);
    }
    expect(await decodeImage(await encodeRgb(solid(320, 10, [9, 9, 9]), 'png'))).toMatchObject({ width: 320, height: 10 });
  });

  it('rejects a file above maxBytes', async () => {
    const png = await encodeRgb(photoLikePixels(64, 64), 'png');
    const e = await rejection(decodeImage(png, { maxBytes: 100 }));
    expect(e.code).toBe('IMAGE_TOO_LARGE');
    expect(e.message).toMatch(/^The image file is 0\.\d MB; the limit is 0\.0 MB\.$/);
  });

  it('applies the EXIF orientation', async () => {
    // Stored 40x20: left half red, right half blue. Orientation 6 = rotate 90 degrees clockwise,
    // so the person sees 20x40 with red on top.
    const data = new Uint8Array(40 * 20 * 3);
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 40; x++) data.set(x < 20 ? [230, 20, 20] : [20, 20, 230], (y * 40 + x) * 3);
    }
    const jpeg = await sharp(data, { raw: { width: 40, height: 20, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const decoded = await decodeImage(jpeg);
    expect([decoded.width, decoded.height]).toEqual([20, 40]);
    expect(near(pixel(decoded, 10, 5), [230, 20, 20], 12)).toBe(true);
    expect(near(pixel(decoded, 10, 35), [20, 20, 230], 12)).toBe(true);
  });

  it('takes the first frame of an animated GIF', async () => {
    const w = 16;
    const h = 12;
    const frames = new Uint8Array(w * h * 3 * 2);
    for (let i = 0; i < w * h; i++) {
      frames.set([255, 0, 0], i * 3);
      frames.set([0, 0, 255], (w * h + i) * 3);
    }
    const gif = await sharp(frames, { raw: { width: w, height: h * 2, channels: 3, pageHeight: h } }).gif().toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const decoded = await decodeImage(gif);
    expect(decoded).toMatchObject({ format: 'gif', width: w, height: h });
    expect(pixel(decoded, 8, 6)).toEqual([255, 0, 0]);
  });

  it("drops alpha without compositing, as PIL's convert('RGB')", async () => {
    const rgba = new Uint8Array(8 * 8 * 4);
    for (let i = 0; i < 64; i++) rgba.set([10, 200, 30, i % 2 ? 0 : 128], i * 4);
    const decoded = await decodeImage(await encode(rgba, 8, 8, 'png', 4));
    expect(decoded.data.length).toBe(8 * 8 * 3);
    for (let i = 0; i < 64; i++) expect(pixel(decoded, i % 8, Math.floor(i / 8))).toEqual([10, 200, 30]);
  });

  it('expands greyscale to RGB', async () => {
    const grey = await sharp(Buffer.alloc(10 * 10, 77), { raw: { width: 10, height: 10, channels: 1 } }).toColourspace('b-w').png().toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const decoded = await decodeImage(grey);
    expect(pixel(decoded, 3, 3)).toEqual([77, 77, 77]);
  });
});
