import { afterAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { normalizeUpload } from '@mgm/vision';
import { silentLogger } from '@mgm/worker/testing';
import { ImagePool } from './image-pool.ts';

const pool = new ImagePool({ threads: 1, maxQueue: 4, limits: { maxBytes: 4 * 1024 * 1024, maxPixels: 1_000_000 }, logger: silentLogger });
afterAll(() => pool.close());

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 10, g: 200, b: 90 }, noise: { type: 'gaussian', mean: 100, sigma: 30 } } }).png().toBuffer();

describe('ImagePool', () => {
  it('normalises an upload in a thread exactly as normalizeUpload does, and takes the bytes over only when told to', async () => {
    const bytes = new Uint8Array(await png(1500, 500));
    const inline = await normalizeUpload(bytes);
    const copy = bytes.slice();
    const pooled = await pool.normalize(copy);
    expect(copy.byteLength).toBe(bytes.byteLength);
    expect(pooled).toMatchObject({ width: 1344, height: 448, sha256: inline.sha256, format: 'png' });
    expect(Buffer.from(pooled.png).equals(Buffer.from(inline.png))).toBe(true);
    const handed = bytes.slice();
    await pool.normalize(handed, { transfer: true });
    // Moved to the thread, not copied: the caller's buffer is now empty.
    expect(handed.byteLength).toBe(0);
  });

  it('answers bad input with a clear typed error and goes on serving', async () => {
    await expect(pool.normalize(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'IMAGE_INVALID', message: expect.stringMatching(/not an image/) });
    // 1200 x 1000 = 1.2 megapixels against a limit of 1: refused from the header, before decoding.
    await expect(pool.normalize(new Uint8Array(await sharp({ create: { width: 1200, height: 1000, channels: 3, background: 'gray' } }).png().toBuffer()))).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE', message: expect.stringMatching(/megapixels/) });
    await expect(pool.normalize(new Uint8Array(5 * 1024 * 1024))).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    expect(await pool.normalize(new Uint8Array(await png(40, 30)))).toMatchObject({ width: 40, height: 30 });
  });
});
