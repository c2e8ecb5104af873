/** The input formats the platform accepts (sharp reports AVIF as `heif`; we name it `avif`). */
export const imageFormats = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'] as const;
export type ImageFormat = (typeof imageFormats)[number];

/** 8-bit RGB pixels, row-major, interleaved (HWC): `data.length === width * height * 3`. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A decoded upload: orientation applied, alpha dropped, RGB. */
export interface DecodedImage extends RgbImage {
  format: ImageFormat;
}

export interface DecodeLimits {
  /** Largest accepted width x height (decompression-bomb guard). Default 40 megapixels. */
  maxPixels?: number;
  /** Largest accepted file size in bytes. Default 32 MiB. */
  maxBytes?: number;
  /**
   * Largest accepted ratio of the long side to the short one. Default 32: beyond it the vision
   * encoder sees a sliver (and the crop mode would blow the short side up to a huge long one).
   */
  maxAspectRatio?: number;
}

export const defaultDecodeLimits = { maxPixels: 40_000_000, maxBytes: 32 * 1024 * 1024, maxAspectRatio: 32 } as const;
