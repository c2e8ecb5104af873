import sharp from 'sharp';
import type { RgbImage } from '../src/image-types.ts';

export { photoLikePixels } from '../bench/photo.ts';

type Encoded = 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff' | 'avif';

/** Encodes RGB (or RGBA with `channels: 4`) pixels with sharp. */
export async function encode(data: Uint8Array, width: number, height: number, format: Encoded, channels: 3 | 4 = 3): Promise<Uint8Array> {
  const img = sharp(data, { raw: { width, height, channels } });
  const out =
    format === 'png' ? img.png() :
    format === 'jpeg' ? img.jpeg({ quality: 95 }) :
    format === 'webp' ? img.webp({ lossless: true }) :
    format === 'gif' ? img.gif() :
    format === 'tiff' ? img.tiff({ compression: 'lzw' }) :
    img.avif({ lossless: true });
  const buf = await out.toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export const encodeRgb = (image: RgbImage, format: Encoded): Promise<Uint8Array> => encode(image.data, image.width, image.height, format);

/** A solid-colour RGB image. */
export function solid(width: number, height: number, rgb: readonly [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { data, width, height };
}

/** Pixel (x, y) of an RGB image. */
export const pixel = (img: RgbImage, x: number, y: number): number[] => {
  const i = (y * img.width + x) * 3;
  return [img.data[i] as number, img.data[i + 1] as number, img.data[i + 2] as number];
};
