import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeRgb, photoLikePixels } from '../test/images.ts';
import { decodeImage } from './decode-image.ts';
import { normalizeUpload } from './normalize-upload.ts';
import { ImageKernels } from './wasm-kernels.ts';

describe('normalizeUpload', () => {
  it('stores the decoded RGB pixels as PNG, named by the sha256 of the PNG bytes', async () => {
    const img = photoLikePixels(90, 60, 11);
    const up = await normalizeUpload(await encodeRgb(img, 'webp'));
    expect(up).toMatchObject({ width: 90, height: 60, format: 'webp' });
    expect(up.sha256).toBe(createHash('sha256').update(up.png).digest('hex'));
    const meta = await sharp(up.png).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 90, height: 60, channels: 3 });
    expect(Buffer.from((await decodeImage(up.png)).data).equals(Buffer.from(img.data))).toBe(true);
  });

  it('gives the same id to the same pixels whatever the container', async () => {
    const img = photoLikePixels(40, 30, 12);
    const a = await normalizeUpload(await encodeRgb(img, 'png'));
    const b = await normalizeUpload(await encodeRgb(img, 'tiff'));
    expect(b.format).toBe('tiff');
    expect(a.sha256).toBe(b.sha256);
  });

  it("applies MGM's 1344 / 672 downscale with Pillow's bicubic", async () => {
    const img = photoLikePixels(1500, 700, 13);
    const kernels = new ImageKernels();
    const up = await normalizeUpload(await encodeRgb(img, 'png'), undefined, kernels);
    // aspect 1500/700: short = int(min(1344 / 2.142..., 672, 700)) = 627, long = int(627 * 2.142...) = 1343
    expect([up.width, up.height]).toEqual([1343, 627]);
    const stored = await decodeImage(up.png);
    const expected = kernels.resize({ image: img }, { width: 1343, height: 627, filter: 'bicubic' });
    expect(Buffer.from(stored.data).equals(Buffer.from(expected.data))).toBe(true);
  });

  it('applies the orientation before storing', async () => {
    const img = photoLikePixels(30, 20, 14);
    const jpeg = await sharp(img.data, { raw: { width: 30, height: 20, channels: 3 } }).jpeg().withMetadata({ orientation: 8 }).toBuffer();
    const up = await normalizeUpload(jpeg);
    expect([up.width, up.height]).toEqual([20, 30]);
    expect((await sharp(up.png).metadata()).orientation).toBeUndefined();
  });

  it('passes decode errors through', async () => {
    await expect(normalizeUpload(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'IMAGE_INVALID' });
    await expect(normalizeUpload(await encodeRgb(photoLikePixels(50, 50), 'png'), { maxPixels: 100 })).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });
});
