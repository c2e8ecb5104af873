// expand2square support for the kernels: writing the padded source into WebAssembly memory and
// filling, instead of computing, the outputs whose taps only see the pad colour.
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

/** Copies the image to `at`, centred on the pad square filled with the pad colour when asked. */
export function writeSource(mem: Uint8Array, at: number, image: RgbImage, pad: { side: number; color: Rgb } | undefined): void {
  if (!pad || (pad.side === image.width && pad.side === image.height)) {
    mem.set(image.data, at);
    return;
  }
  const side = pad.side;
  const rowLen = side * 3;
  const left = Math.floor((side - image.width) / 2);
  const top = Math.floor((side - image.height) / 2);
  const srcRow = image.width * 3;
  fillOutside(mem, at, rowLen, side, top, top + image.height, left * 3, left * 3 + srcRow, pad.color);
  for (let y = 0; y < image.height; y++) {
    mem.set(image.data.subarray(y * srcRow, (y + 1) * srcRow), at + (top + y) * rowLen + left * 3);
  }
}
