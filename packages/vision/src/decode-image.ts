import { MgmError } from '@mgm/protocol';
import sharp from 'sharp';
import { defaultDecodeLimits, type DecodedImage, type DecodeLimits, type ImageFormat } from './image-types.ts';

const accepted = 'JPEG, PNG, WebP, GIF, TIFF or AVIF';

function formatOf(format: string | undefined, compression: string | undefined): ImageFormat | null {
  switch (format) {
    case 'jpeg':
    case 'png':
    case 'webp':
    case 'gif':
    case 'tiff':
      return format;
    case 'heif':
      // sharp's prebuilt libvips reads AVIF (AV1) but not HEIC (HEVC).
      return compression === 'av1' ? 'avif' : null;
    default:
      return null;
  }
}

const mb = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(1);
const mp = (pixels: number): string => (pixels / 1e6).toFixed(1);

/**
 * Decodes an uploaded image to 8-bit RGB (HWC): the first frame of an animation or the first page
 * of a TIFF, EXIF orientation applied, alpha dropped without compositing and embedded ICC profiles
 * ignored, as PIL's `Image.open(...).convert('RGB')` gives MGM. Anything else is an `MgmError`:
 * IMAGE_INVALID (empty, not an image, unsupported format, damaged or truncated) or
 * IMAGE_TOO_LARGE (file size or pixel count above the limits).
 */
export async function decodeImage(bytes: Uint8Array, limits: DecodeLimits = {}): Promise<DecodedImage> {
  const maxBytes = limits.maxBytes ?? defaultDecodeLimits.maxBytes;
  const maxPixels = limits.maxPixels ?? defaultDecodeLimits.maxPixels;
  const maxAspectRatio = limits.maxAspectRatio ?? defaultDecodeLimits.maxAspectRatio;
  if (!(bytes instanceof Uint8Array)) throw new MgmError('IMAGE_INVALID', 'The image must be given as bytes.');
  if (bytes.length === 0) throw new MgmError('IMAGE_INVALID', 'The image file is empty (0 bytes).');
  if (bytes.length > maxBytes) {
    throw new MgmError('IMAGE_TOO_LARGE', `The image file is ${mb(bytes.length)} MB; the limit is ${mb(maxBytes)} MB.`, {
      details: { bytes: bytes.length, maxBytes },
    });
  }
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const options = { limitInputPixels: false, failOn: 'error', autoOrient: true, ignoreIcc: true, pages: 1 } as const;

  let meta: sharp.Metadata;
  try {
    meta = await sharp(input, options).metadata();
  } catch (cause) {
    throw new MgmError('IMAGE_INVALID', `This file is not an image we can read (expected ${accepted}).`, { cause });
  }
  const format = formatOf(meta.format, meta.compression);
  if (!format) {
    const name = meta.format === 'heif' ? `HEIF/${meta.compression ?? 'unknown'}` : (meta.format ?? 'unknown');
    throw new MgmError('IMAGE_INVALID', `Images in ${name} format are not supported; use ${accepted}.`, { details: { format: name } });
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < 1 || height < 1) throw new MgmError('IMAGE_INVALID', 'The image has no pixels (width or height is 0).');
  if (Math.max(width, height) > maxAspectRatio * Math.min(width, height)) {
    throw new MgmError(
      'IMAGE_INVALID',
      `The image is ${width}x${height}: one side is more than ${maxAspectRatio} times the other, too thin for the model to see. Crop it to a less extreme shape.`,
      { details: { width, height, maxAspectRatio } },
    );
  }
  if (width * height > maxPixels) {
    throw new MgmError('IMAGE_TOO_LARGE', `The image is ${width}x${height} (${mp(width * height)} megapixels); the limit is ${mp(maxPixels)} megapixels.`, {
      details: { width, height, maxPixels },
    });
  }

  try {
    const { data, info } = await sharp(input, { ...options, limitInputPixels: maxPixels })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
      throw new Error(`decoder returned ${info.channels} channels`);
    }
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, format };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    if (/pixel limit/i.test(reason)) {
      throw new MgmError('IMAGE_TOO_LARGE', `The image has more than ${mp(maxPixels)} megapixels.`, { cause });
    }
    throw new MgmError('IMAGE_INVALID', `The ${format.toUpperCase()} file is damaged or truncated and cannot be decoded (${reason.trim()}).`, { cause });
  }
}
