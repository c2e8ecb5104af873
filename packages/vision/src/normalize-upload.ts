import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { decodeImage } from './decode-image.ts';
import type { DecodeLimits, ImageFormat } from './image-types.ts';
import { mgmDownscaleSize } from './mgm-downscale.ts';
import { ImageKernels } from './wasm-kernels.ts';

export interface NormalizedUpload {
  /** Lossless PNG of the RGB pixels, orientation applied, downscaled by MGM's rule when needed. */
  png: Uint8Array;
  width: number;
  height: number;
  /** Hex sha256 of `png`: the image id. */
  sha256: string;
  /** Format of the uploaded file. */
  format: ImageFormat;
  /** Size of the uploaded image, before the downscale. */
  source: { width: number; height: number };
}

/**
 * What the controller stores for an upload: decoded (see `decodeImage`), then MGM's 1344/672 rule
 * applied with Pillow's bicubic resize (the `image.resize` default MGM calls), re-encoded as PNG.
 * The PNG encoding is deterministic, so the same pixels give the same sha256.
 */
export async function normalizeUpload(bytes: Uint8Array, limits?: DecodeLimits, kernels: ImageKernels = new ImageKernels()): Promise<NormalizedUpload> {
  let image = await decodeImage(bytes, limits);
  const format = image.format;
  const source = { width: image.width, height: image.height };
  const target = mgmDownscaleSize(image.width, image.height);
  if (target) {
    const resized = kernels.resize({ image }, { ...target, filter: 'bicubic' });
    image = { ...resized, format };
  }
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: 6, adaptiveFiltering: false })
    .toBuffer();
  const out = new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
  return { png: out, width: image.width, height: image.height, sha256: createHash('sha256').update(out).digest('hex'), format, source };
}
