import type { RgbImage } from './image-types.ts';
import { axisCoeffs, type AxisCoeffs, type ResampleFilter } from './resample-coeffs.ts';
import { bilinearAxis } from './torch-bilinear.ts';
import { fillOutside, touchedRange, writeSource } from './pad-fill.ts';
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
  normalize(src: number, pixels: number, m0: number, m1: number, m2: number, s0: number, s1: number, s2: number, dst: number): void;
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

const PAGE = 65536;
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
  constructor(private readonly retainBytes = 128 * 1024 * 1024) {
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
    const pixels = r.width * r.height;
    const f32Ptr = this.alloc(pixels * 12);
    const [m0, m1, m2] = mean as [number, number, number];
    const [s0, s1, s2] = std as [number, number, number];
    this.k.normalize(r.ptr, pixels, m0, m1, m2, s0, s1, s2, f32Ptr);
    return { tensor: { ptr: f32Ptr, length: pixels * 3 }, pixelsPtr: r.ptr, width: r.width, height: r.height };
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

  private resample(source: ResampleSource, target: ResampleTarget): { ptr: number; width: number; height: number } {
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
    const rowFirst = vc ? vc.inFirst : crop.top;
    const rows = vc ? vc.inEnd - vc.inFirst : height;
    const rowLen = width * 3;

    const srcPtr = this.alloc(inW * inH * 3);
    const hPtrs = hc ? this.putCoeffs(hc) : null;
    const vPtrs = vc ? this.putCoeffs(vc) : null;
    const tmpPtr = vc ? this.alloc(rows * rowLen) : 0;
    const outPtr = this.alloc(height * rowLen);
    const mem = new Uint8Array(this.k.memory.buffer);
    writeSource(mem, srcPtr, image, pad);

    // expand2square's border is one colour: an output whose taps all fall on it is that colour
    // exactly (the 22-bit weights sum to 1 within a few units, far below half a level), so those
    // rows and columns are filled instead of computed.
    const padded = pad !== undefined && (pad.side > image.width || pad.side > image.height);
    const content = padded
      ? { left: Math.floor((inW - image.width) / 2), top: Math.floor((inH - image.height) / 2), width: image.width, height: image.height }
      : { left: 0, top: 0, width: inW, height: inH };

    // Horizontal pass (or a copy of the crop's columns) into what the vertical pass reads.
    const hDst = vc ? tmpPtr : outPtr;
    if (hc && hPtrs) {
      let r0 = rowFirst;
      let r1 = rowFirst + rows;
      let x0 = 0;
      let x1 = width;
      if (padded && pad) {
        r0 = Math.max(r0, content.top);
        r1 = Math.min(r1, content.top + content.height);
        [x0, x1] = touchedRange(hc, content.left, content.left + content.width);
        if (r1 <= r0 || x1 <= x0) r0 = r1 = rowFirst;
        fillOutside(mem, hDst, rowLen, rows, r0 - rowFirst, r1 - rowFirst, x0 * 3, x1 * 3, pad.color);
      }
      if (r1 > r0 && x1 > x0) {
        this.k.horizontal(
          srcPtr, inW, r0, r1 - r0, x1 - x0,
          hPtrs.start + x0 * 4, hPtrs.taps + x0 * 4, hPtrs.weights + x0 * hc.stride * 4, hc.stride,
          hDst + (r0 - rowFirst) * rowLen + x0 * 3, rowLen,
        );
      }
    } else {
      for (let y = 0; y < rows; y++) {
        const from = srcPtr + ((rowFirst + y) * inW + crop.left) * 3;
        mem.copyWithin(hDst + y * rowLen, from, from + rowLen);
      }
    }
    if (vc && vPtrs) {
      let y0 = 0;
      let y1 = height;
      if (padded && pad) {
        [y0, y1] = touchedRange(vc, content.top, content.top + content.height);
        fillOutside(mem, outPtr, rowLen, height, y0, Math.max(y0, y1), 0, rowLen, pad.color);
      }
      if (y1 > y0) {
        this.k.vertical(
          tmpPtr, rowLen, rowFirst, y1 - y0,
          vPtrs.start + y0 * 4, vPtrs.taps + y0 * 4, vPtrs.weights + y0 * vc.stride * 4, vc.stride,
          outPtr + y0 * rowLen,
        );
      }
    }
    return { ptr: outPtr, width, height };
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
