// expand2square support for the kernels: writing only the part of the padded canvas a resample
// reads into WebAssembly memory, and filling, instead of computing, the outputs whose taps only see
// the pad colour.
import type { AxisCoeffs } from './resample-coeffs.ts';
import type { RgbImage } from './image-types.ts';

type Rgb = readonly [number, number, number];

/** Outputs [first, end) whose taps reach input [lo, hi) (or that have no taps at all). */
export function touchedRange(c: AxisCoeffs, lo: number, hi: number): [number, number] {
  const n = c.start.length;
  const touches = (i: number): boolean => {
    const s = c.start[i] as number;
    const t = c.taps[i] as number;
    return t === 0 || (s < hi && s + t > lo);
  };
  let first = 0;
  while (first < n && !touches(first)) first++;
  let end = n;
  while (end > first && !touches(end - 1)) end--;
  return [first, end];
}

/** Fills `bytes` bytes at `at` with an RGB colour (doubling copies). */
export function fillColor(mem: Uint8Array, at: number, bytes: number, color: Rgb): void {
  if (bytes <= 0) return;
  mem[at] = color[0];
  if (bytes > 1) mem[at + 1] = color[1];
  if (bytes > 2) mem[at + 2] = color[2];
  for (let filled = 3; filled < bytes; filled *= 2) {
    mem.copyWithin(at + filled, at, at + Math.min(filled, bytes - filled));
  }
}

/**
 * Fills with the colour a block of `rows` rows of `rowLen` bytes, except rows [r0, r1) between
 * bytes [c0, c1) (pixel-aligned offsets).
 */
export function fillOutside(mem: Uint8Array, at: number, rowLen: number, rows: number, r0: number, r1: number, c0: number, c1: number, color: Rgb): void {
  fillColor(mem, at, r0 * rowLen, color);
  fillColor(mem, at + r1 * rowLen, (rows - r1) * rowLen, color);
  if (r1 <= r0 || (c0 <= 0 && c1 >= rowLen)) return;
  const pattern = new Uint8Array(Math.max(c0, rowLen - c1));
  fillColor(pattern, 0, pattern.length, color);
  for (let y = r0; y < r1; y++) {
    const row = at + y * rowLen;
    if (c0 > 0) mem.set(pattern.subarray(0, c0), row);
    if (c1 < rowLen) mem.set(pattern.subarray(0, rowLen - c1), row + c1);
  }
}

/** Input indices [first, end) read by outputs [x0, x1) (an empty span when none has taps). */
export function tapSpan(c: AxisCoeffs, x0: number, x1: number): [number, number] {
  let first = Number.POSITIVE_INFINITY;
  let end = 0;
  for (let i = x0; i < x1; i++) {
    const t = c.taps[i] as number;
    if (t === 0) continue;
    const s = c.start[i] as number;
    if (s < first) first = s;
    if (s + t > end) end = s + t;
  }
  return end > 0 ? [first, end] : [0, 0];
}

/** Where an image lies on the canvas a resample reads: expand2square's square, or the image itself. */
export interface Canvas {
  image: RgbImage;
  left: number;
  top: number;
  /** The pad colour (only read where the canvas is not the image). */
  color: Rgb;
}

/**
 * Writes canvas rows [r0, r1) x columns [c0, c1) (rows of `(c1 - c0) * 3` bytes) at `at`: the
 * image's pixels where it lies, the pad colour elsewhere. Only what a resample reads is written,
 * never the whole padded square.
 */
export function writeBand(mem: Uint8Array, at: number, canvas: Canvas, r0: number, r1: number, c0: number, c1: number): void {
  const { image, left, top, color } = canvas;
  const rows = r1 - r0;
  const rowLen = (c1 - c0) * 3;
  if (rows <= 0 || rowLen <= 0) return;
  const i0 = Math.max(c0, left);
  const i1 = Math.min(c1, left + image.width);
  const y0 = Math.max(r0, top);
  const y1 = Math.min(r1, top + image.height);
  if (i1 <= i0 || y1 <= y0) {
    fillColor(mem, at, rows * rowLen, color);
    return;
  }
  fillOutside(mem, at, rowLen, rows, y0 - r0, y1 - r0, (i0 - c0) * 3, (i1 - c0) * 3, color);
  const srcRow = image.width * 3;
  if (i0 === c0 && i1 === c1 && c0 === left && c1 === left + image.width) {
    mem.set(image.data.subarray((y0 - top) * srcRow, (y1 - top) * srcRow), at + (y0 - r0) * rowLen);
    return;
  }
  const from = (i0 - left) * 3;
  const bytes = (i1 - i0) * 3;
  for (let y = y0; y < y1; y++) {
    const row = (y - top) * srcRow + from;
    mem.set(image.data.subarray(row, row + bytes), at + (y - r0) * rowLen + (i0 - c0) * 3);
  }
}
