import type { RgbImage } from './image-types.ts';
import { axisCoeffs, type AxisCoeffs, type ResampleFilter } from './resample-coeffs.ts';
import { bilinearAxis } from './torch-bilinear.ts';
import { type Canvas, fillOutside, tapSpan, touchedRange, writeBand } from './pad-fill.ts';
import { kernelsWasmBase64 } from './wasm/kernels-wasm.ts';

// Node 20's @types/node has no WebAssembly declarations (and lib "dom" is not ours to add):
// the few members used here are typed locally.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface KernelExports {
  memory: WasmMemory;
  horizontal(src: number, inW: number, rowFirst: number, rows: number, outW: number, start: number, taps: number, weights: number, stride: number, dst: number, dstRowBytes: number): void;
  vertical(tmp: number, rowLen: number, rowFirst: number, outH: number, start: number, taps: number, weights: number, stride: number, dst: number): void;
  normalize(src: number, pixels: number, planePixels: number, m0: number, m1: number, m2: number, s0: number, s1: number, s2: number, dst: number): void;
  bilinear(src: number, planes: number, inH: number, inW: number, outH: number, outW: number, ax: number, ay: number, row: number, dst: number): void;
  crops(src: number, lr: number, grid: number, dst: number): void;
  heapBase(): number;
}

/** The source of a resample: an RGB image, optionally centred on a square of `pad.side` (expand2square). */
export interface ResampleSource {
  image: RgbImage;
  pad?: { side: number; color: readonly [number, number, number] };
}

/** `Image.resize((width, height), filter)` then `.crop((left, top, left + crop.width, top + crop.height))`. */
export interface ResampleTarget {
  width: number;
  height: number;
  filter: ResampleFilter;
  crop?: { left: number; top: number; width: number; height: number };
}

/** A float32 tensor in the kernels' memory: valid until the next `reset()`. */
export interface WasmTensor {
  ptr: number;
  length: number;
}

/** Outputs [x0, x1) x [y0, y1) were computed; every other output is the pad colour. */
interface PadBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** The horizontal pass's first-tap indices of outputs [x0, x1), relative to the band's first column. */
function shiftedStarts(start: Int32Array, x0: number, x1: number, first: number): ArrayBuffer {
  const out = new Int32Array(Math.max(0, x1 - x0));
  for (let i = x0; i < x1; i++) out[i - x0] = (start[i] as number) - first;
  return out.buffer;
}

const PAGE = 65536;
/** Bytes of input rows the horizontal pass reads at a time. */
const BAND_BYTES = 4 * 1024 * 1024;
const align = (n: number): number => (n + 15) & ~15;

/**
 * The WebAssembly kernels (assembly/resample.ts) and their memory, used as an arena: `reset()`
 * frees everything, each operation allocates its buffers after the previous ones, and results
 * are copied out with `read*`. One instance serves one caller at a time (every method is
 * synchronous); keep one per worker so the memory is allocated once.
 */
export class ImageKernels {
  private readonly module: object;
  private k: KernelExports;
  private base: number;
  private top: number;

  /**
   * @param retainBytes memory kept between calls: WebAssembly memory cannot shrink, so after a
   *   call that grew it beyond this (a huge upload), `reset()` starts over with a fresh instance.
   *   The default holds MGM-HD preprocessing (HR 1536, about 60 MB).
   */
  constructor(
    private readonly retainBytes = 128 * 1024 * 1024,
    /** Bytes of input rows the horizontal pass reads at a time (tests make it small). */
    private readonly bandBytes = BAND_BYTES,
  ) {
    this.module = new wasm.Module(Buffer.from(kernelsWasmBase64, 'base64'));
    this.k = this.instantiate();
    this.base = align(this.k.heapBase());
    this.top = this.base;
  }

  private instantiate(): KernelExports {
    return new wasm.Instance(this.module, {}).exports as KernelExports;
  }

  /** Frees every buffer (the memory is reused by the next operation). */
  reset(): void {
    if (this.k.memory.buffer.byteLength > this.retainBytes) this.k = this.instantiate();
    this.top = this.base;
  }

  /** Bytes of WebAssembly memory held now. */
  get memoryBytes(): number {
    return this.k.memory.buffer.byteLength;
  }

  /** Pillow-exact resize (+ crop) of 8-bit RGB, copied out. */
  resize(source: ResampleSource, target: ResampleTarget): RgbImage {
    this.reset();
    const r = this.resample(source, target);
    const data = new Uint8Array(this.k.memory.buffer, r.ptr, r.width * r.height * 3).slice();
    this.reset();
    return { data, width: r.width, height: r.height };
  }

  /**
   * Pillow-exact resize (+ crop) into this memory, then transformers' rescale and normalize:
   * `(v / 255 - mean[c]) / std[c]` in float32, written as CHW. Also returns where the uint8 HWC
   * pixels are.
   */
  resizeToTensor(source: ResampleSource, target: ResampleTarget, mean: readonly number[], std: readonly number[]): { tensor: WasmTensor; pixelsPtr: number; width: number; height: number } {
    const r = this.resample(source, target);
    const { width, height } = r;
    const pixels = width * height;
    const f32Ptr = this.alloc(pixels * 12);
    const [m0, m1, m2] = mean as [number, number, number];
    const [s0, s1, s2] = std as [number, number, number];
    const norm = (src: number, count: number, dst: number): void => this.k.normalize(src, count, pixels, m0, m1, m2, s0, s1, s2, dst);
    const box = r.padOutside;
    if (!box || !source.pad) {
      norm(r.ptr, pixels, f32Ptr);
    } else {
      // Outside `box` every pixel is the pad colour: its normalised values (computed once, by the
      // same kernel) are filled in, and only the box is normalised.
      const probe = this.alloc(16 * 3);
      const probeOut = this.alloc(16 * 12);
      const color = source.pad.color;
      const mem = new Uint8Array(this.k.memory.buffer);
      for (let i = 0; i < 16; i++) mem.set(color, probe + i * 3);
      this.k.normalize(probe, 16, 16, m0, m1, m2, s0, s1, s2, probeOut);
      const f32 = new Float32Array(this.k.memory.buffer);
      const planes = [0, 1, 2].map((c) => ({ base: (f32Ptr >> 2) + c * pixels, value: f32[(probeOut >> 2) + c * 16] as number }));
      const { x0, x1, y0, y1 } = box;
      for (const { base, value } of planes) {
        f32.fill(value, base, base + y0 * width);
        f32.fill(value, base + y1 * width, base + pixels);
        if (x1 - x0 < width) {
          for (let y = y0; y < y1; y++) {
            f32.fill(value, base + y * width, base + y * width + x0);
            f32.fill(value, base + y * width + x1, base + (y + 1) * width);
          }
        }
      }
      if (x0 === 0 && x1 === width) {
        if (y1 > y0) norm(r.ptr + y0 * width * 3, (y1 - y0) * width, f32Ptr + y0 * width * 4);
      } else if (x1 > x0) {
        for (let y = y0; y < y1; y++) norm(r.ptr + (y * width + x0) * 3, x1 - x0, f32Ptr + (y * width + x0) * 4);
      }
    }
    return { tensor: { ptr: f32Ptr, length: pixels * 3 }, pixelsPtr: r.ptr, width, height };
  }

  /** torch bilinear (align_corners=False) of `planes` float32 planes, into a new tensor (or `dstPtr`). */
  bilinear(src: WasmTensor, planes: number, inH: number, inW: number, outH: number, outW: number, dstPtr?: number): WasmTensor {
    if (src.length < planes * inH * inW) throw new RangeError('source tensor too small');
    const ax = this.put(bilinearAxis(inW, outW));
    const ay = this.put(bilinearAxis(inH, outH));
    const row = this.alloc(inW * 4);
    const dst = dstPtr ?? this.alloc(planes * outH * outW * 4);
    this.k.bilinear(src.ptr, planes, inH, inW, outH, outW, ax, ay, row, dst);
    return { ptr: dst, length: planes * outH * outW };
  }

  /** HD views: crops of a 3 x (lr*grid)^2 tensor (row-major) followed by `extra` more views' room. */
  crops(src: WasmTensor, lr: number, grid: number, extraViews: number): WasmTensor {
    const viewLen = 3 * lr * lr;
    if (src.length !== viewLen * grid * grid) throw new RangeError('tensor does not match lr x grid');
    const dst = this.alloc((grid * grid + extraViews) * viewLen * 4);
    this.k.crops(src.ptr, lr, grid, dst);
    return { ptr: dst, length: (grid * grid + extraViews) * viewLen };
  }

  /** Copies a float32 tensor from this memory (or to it, `write`). */
  read(t: WasmTensor): Float32Array {
    // Not zero-filled first (every element is overwritten): saves a pass over tens of MB and
    // lets the allocator hand back recently freed pages.
    const bytes = Buffer.allocUnsafeSlow(t.length * 4);
    const out = new Float32Array(bytes.buffer, bytes.byteOffset, t.length);
    out.set(new Float32Array(this.k.memory.buffer, t.ptr, t.length));
    return out;
  }

  write(data: Float32Array): WasmTensor {
    const ptr = this.alloc(data.length * 4);
    new Float32Array(this.k.memory.buffer, ptr, data.length).set(data);
    return { ptr, length: data.length };
  }

  readPixels(ptr: number, width: number, height: number): RgbImage {
    return { data: new Uint8Array(this.k.memory.buffer, ptr, width * height * 3).slice(), width, height };
  }

  /**
   * Pillow's `Image.resize` (+ crop) of the source into this memory. In pad mode the padded square
   * is never written: only the canvas rows and columns the passes read, and the outputs whose
   * taps all fall on the border are filled with the pad colour instead of computed (exact: the
   * 22-bit weights sum to 1 within a few units, far below half a level). `padOutside` is the box
   * of computed outputs; everything outside it is the pad colour.
   */
  private resample(source: ResampleSource, target: ResampleTarget): { ptr: number; width: number; height: number; padOutside: PadBox | null } {
    const { image, pad } = source;
    if (image.data.length !== image.width * image.height * 3) {
      throw new RangeError(`RGB data holds ${image.data.length} bytes, expected ${image.width}x${image.height}x3`);
    }
    const inW = pad ? pad.side : image.width;
    const inH = pad ? pad.side : image.height;
    if (pad && (pad.side < image.width || pad.side < image.height)) throw new RangeError('pad side smaller than the image');
    const { width: outW, height: outH, filter } = target;
    const crop = target.crop ?? { left: 0, top: 0, width: outW, height: outH };
    if (
      !Number.isInteger(outW) || !Number.isInteger(outH) || outW < 1 || outH < 1 ||
      crop.left < 0 || crop.top < 0 || crop.width < 1 || crop.height < 1 ||
      crop.left + crop.width > outW || crop.top + crop.height > outH
    ) {
      throw new RangeError(`bad resize ${inW}x${inH} -> ${outW}x${outH}, crop ${JSON.stringify(crop)}`);
    }
    const width = crop.width;
    const height = crop.height;
    const hc = outW !== inW ? axisCoeffs(inW, outW, crop.left, width, filter) : null;
    const vc = outH !== inH ? axisCoeffs(inH, outH, crop.top, height, filter) : null;
    const padded = pad !== undefined && (pad.side > image.width || pad.side > image.height);
    const canvas: Canvas = {
      image,
      left: padded ? Math.floor((inW - image.width) / 2) : 0,
      top: padded ? Math.floor((inH - image.height) / 2) : 0,
      color: pad?.color ?? [0, 0, 0],
    };
    // Outputs [x0, x1) x [y0, y1) see the image; around them, only the pad colour.
    const clampTo = (v: number, n: number): number => Math.min(Math.max(v, 0), n);
    const [x0, x1] = !padded ? [0, width] : hc ? touchedRange(hc, canvas.left, canvas.left + image.width) : [clampTo(canvas.left - crop.left, width), clampTo(canvas.left + image.width - crop.left, width)];
    const [y0, y1] = !padded ? [0, height] : vc ? touchedRange(vc, canvas.top, canvas.top + image.height) : [clampTo(canvas.top - crop.top, height), clampTo(canvas.top + image.height - crop.top, height)];
    // The horizontal pass's output rows (canvas rows the vertical pass reads) and the canvas
    // columns it reads; without a horizontal pass, the crop's columns are copied.
    const [tFirst, tEnd] = vc ? tapSpan(vc, y0, y1) : [crop.top, crop.top + height];
    const [cFirst, cEnd] = hc ? tapSpan(hc, x0, x1) : [crop.left, crop.left + width];
    const [hx0, hx1] = hc ? [x0, x1] : [0, width];
    // Of those rows, the ones that hold image pixels (the others are all pad colour).
    const r0 = Math.min(Math.max(tFirst, canvas.top), tEnd);
    const r1 = Math.max(Math.min(tEnd, canvas.top + image.height), r0);
    const rowLen = width * 3;
    const tmpRows = tEnd - tFirst;

    const bandW = cEnd - cFirst;
    // The horizontal pass reads the band a few rows at a time, so that a large upload never has
    // to be copied whole into this memory (which cannot shrink): a 40-megapixel photo would need
    // 120 MB here, a band of BAND_BYTES is enough.
    const bandRows = Math.max(1, Math.min(r1 - r0, Math.floor(this.bandBytes / Math.max(1, bandW * 3))));
    const bandPtr = hc ? this.alloc(bandRows * bandW * 3) : 0;
    const hStart = hc ? this.put(shiftedStarts(hc.start, hx0, hx1, cFirst)) : 0;
    const hPtrs = hc ? this.putCoeffs(hc) : null;
    const vPtrs = vc ? this.putCoeffs(vc) : null;
    const tmpPtr = vc ? this.alloc(tmpRows * rowLen) : 0;
    const outPtr = this.alloc(height * rowLen);
    const mem = new Uint8Array(this.k.memory.buffer);

    const hDst = vc ? tmpPtr : outPtr;
    if (padded) fillOutside(mem, hDst, rowLen, tmpRows, r0 - tFirst, r1 - tFirst, hx0 * 3, hx1 * 3, canvas.color);
    if (r1 > r0 && hx1 > hx0) {
      if (hc && hPtrs) {
        for (let first = r0; first < r1; first += bandRows) {
          const end = Math.min(r1, first + bandRows);
          writeBand(mem, bandPtr, canvas, first, end, cFirst, cEnd);
          this.k.horizontal(
            bandPtr, bandW, 0, end - first, hx1 - hx0,
            hStart, hPtrs.taps + hx0 * 4, hPtrs.weights + hx0 * hc.stride * 4, hc.stride,
            hDst + (first - tFirst) * rowLen + hx0 * 3, rowLen,
          );
        }
      } else {
        // No horizontal resampling: the band is the crop's columns, written in place.
        writeBand(mem, hDst + (r0 - tFirst) * rowLen, canvas, r0, r1, cFirst, cEnd);
      }
    }
    if (vc && vPtrs) {
      if (padded) fillOutside(mem, outPtr, rowLen, height, y0, Math.max(y0, y1), 0, rowLen, canvas.color);
      if (y1 > y0) {
        this.k.vertical(
          tmpPtr, rowLen, tFirst, y1 - y0,
          vPtrs.start + y0 * 4, vPtrs.taps + y0 * 4, vPtrs.weights + y0 * vc.stride * 4, vc.stride,
          outPtr + y0 * rowLen,
        );
      }
    }
    return { ptr: outPtr, width, height, padOutside: padded ? { x0, x1, y0, y1 } : null };
  }

  /** `bytes` of this memory, 16-byte aligned, followed by 16 spare bytes (the horizontal pass reads one byte past a pixel). */
  private alloc(bytes: number): number {
    const ptr = this.top;
    this.top = align(ptr + bytes + 16);
    const have = this.k.memory.buffer.byteLength;
    if (this.top > have) this.k.memory.grow(Math.ceil((this.top - have) / PAGE));
    return ptr;
  }

  private put(data: ArrayBuffer): number {
    const ptr = this.alloc(data.byteLength);
    new Uint8Array(this.k.memory.buffer, ptr, data.byteLength).set(new Uint8Array(data));
    return ptr;
  }

  private putCoeffs(c: AxisCoeffs): { start: number; taps: number; weights: number } {
    const put = (a: Int32Array): number => this.put(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength) as ArrayBuffer);
    return { start: put(c.start), taps: put(c.taps), weights: put(c.weights) };
  }
}
