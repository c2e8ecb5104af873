/**
 * Pillow's resampling coefficients (libImaging/Resample.c `precompute_coeffs` +
 * `normalize_coeffs_8bpc`): the kernel support is widened by the downscale factor, each output's
 * weights are normalised to sum 1 then turned into fixed point with 22 fraction bits. With these
 * weights and Pillow's integer sums (assembly/resample.ts), `Image.resize` is reproduced bit for
 * bit: the checkpoints were trained on Pillow's pixels (see README for libvips' error figures).
 */
export const resampleFilters = ['bicubic', 'bilinear', 'lanczos'] as const;
export type ResampleFilter = (typeof resampleFilters)[number];

interface Kernel {
  support: number;
  weight: (x: number) => number;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

const kernels: Record<ResampleFilter, Kernel> = {
  bicubic: {
    support: 2,
    weight: (x) => {
      const a = -0.5;
      const ax = x < 0 ? -x : x;
      if (ax < 1) return ((a + 2) * ax - (a + 3)) * ax * ax + 1;
      if (ax < 2) return (((ax - 5) * ax + 8) * ax - 4) * a;
      return 0;
    },
  },
  bilinear: {
    support: 1,
    weight: (x) => {
      const ax = x < 0 ? -x : x;
      return ax < 1 ? 1 - ax : 0;
    },
  },
  lanczos: {
    support: 3,
    weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0),
  },
};

export const PRECISION_BITS = 22;

/** Weights of one axis for the outputs `first .. first + count - 1`. */
export interface AxisCoeffs {
  /** First input index read by each output. */
  start: Int32Array;
  /** Number of taps of each output. */
  taps: Int32Array;
  /** `count * stride` fixed-point weights, output i's at `i * stride`. */
  weights: Int32Array;
  stride: number;
  /** Smallest input index read, and one past the largest. */
  inFirst: number;
  inEnd: number;
}

export function axisCoeffs(inSize: number, outSize: number, first: number, count: number, filter: ResampleFilter): AxisCoeffs {
  const kernel = kernels[filter];
  const scale = inSize / outSize;
  const filterScale = scale < 1 ? 1 : scale;
  const support = kernel.support * filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(count);
  const taps = new Int32Array(count);
  const weights = new Int32Array(count * stride);
  const raw = new Float64Array(stride);
  const fixed = new Int32Array(stride);
  const invScale = 1 / filterScale;
  const one = 1 << PRECISION_BITS;
  let inFirst = inSize;
  let inEnd = 0;
  for (let i = 0; i < count; i++) {
    const center = (first + i + 0.5) * scale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const w = kernel.weight((x + xmin - center + 0.5) * invScale);
      raw[x] = w;
      total += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = total !== 0 ? (raw[x] as number) / total : (raw[x] as number);
      fixed[x] = w < 0 ? Math.trunc(-0.5 + w * one) : Math.trunc(0.5 + w * one);
    }
    // A zero weight adds nothing to Pillow's integer sum: trimming the ends is exact and saves taps.
    let lo = 0;
    let hi = xmax;
    while (lo < hi && fixed[lo] === 0) lo++;
    while (hi > lo && fixed[hi - 1] === 0) hi--;
    start[i] = xmin + lo;
    taps[i] = hi - lo;
    for (let x = lo, o = i * stride; x < hi; x++, o++) weights[o] = fixed[x] as number;
    if (hi > lo) {
      inFirst = Math.min(inFirst, xmin + lo);
      inEnd = Math.max(inEnd, xmin + hi);
    }
  }
  if (inFirst > inEnd) inFirst = inEnd = 0;
  return { start, taps, weights, stride, inFirst, inEnd };
}
