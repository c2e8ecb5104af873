/**
 * "What the model sees": the image as one checkpoint received it, and where its patch info
 * mining looked. Returned by `generate({explain: true})` as `result.lens`.
 */

/** An RGB picture, HWC, 8 bits a channel: a preprocessed tensor turned back into pixels. */
export interface LensPicture {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** A square of the HR input, in its pixels. */
export interface LensRegion {
  x: number;
  y: number;
  size: number;
}

/** One view the LLM reads, in the LLM's order (HD: global, then the crops row-major). */
export interface LensView {
  /** `whole` (one view), `global` or `crop0`..`crop3` (HD). */
  name: string;
  /** The LR input of this view, lr_size x lr_size. */
  lr: LensPicture;
  /**
   * The part of the HR input this view mines (the whole HR input for `whole` and `global`, a
   * quarter for an HD crop); null for a checkpoint without an HR branch.
   */
  hrRegion: LensRegion | null;
}

export interface ImageLens {
  architecture: 'mgm' | 'llava';
  lrSize: number;
  hrSize: number | null;
  /** LR tokens per side of one view: a view has grid * grid tokens, row-major. */
  grid: number;
  /** HR feature cells per side of one token's window: window * window candidates (null: llava). */
  window: number | null;
  views: LensView[];
  /** The HR input (null: llava). */
  hr: LensPicture | null;
  /**
   * Softmax weights [views, grid*grid, window*window]: for each view, each LR token (row-major),
   * its weights over the HR feature cells under it (row-major inside the window); each token's
   * weights sum to 1. Null for llava, or when the vision graph was exported without
   * mining_attention (then `missing` says so).
   */
  attention: Float32Array | null;
  /** Why `attention` is null for an mgm checkpoint. */
  missing?: string;
}
