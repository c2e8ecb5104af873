// AssemblyScript (compiled to WebAssembly with SIMD by scripts/build-wasm.ts): the inner loops
// of Pillow's 8-bit resampler (libImaging/Resample.c ImagingResampleHorizontal_8bpc and
// ImagingResampleVertical_8bpc) and the uint8 HWC -> normalised float32 CHW step.
// Coefficients are computed on the JS side (src/resample-coeffs.ts); everything here is integer
// arithmetic identical to Pillow's: acc = 2^21 + sum(pixel * k), clip8(acc) = clamp(acc >> 22).
// Buffers are raw addresses in this module's memory, laid out by src/wasm-kernels.ts.

const HALF: i32 = 1 << 21;
const SHIFT: i32 = 22;

// Clamp four i32 lanes of (acc >> 22) to 0..255 and pack them into the low 4 bytes.
@inline
function pack4(acc: v128): v128 {
  const s = i32x4.shr_s(acc, SHIFT);
  const w = i16x8.narrow_i32x4_s(s, s);
  return i8x16.narrow_i16x8_u(w, w);
}

// RGB rows `rowFirst .. rowFirst + rows - 1` of `src` (width inW) -> `rows` rows of outW pixels,
// output rows dstRowBytes apart. One pixel is one i32x4 (R, G, B, and a fourth lane that is
// ignored): a pixel load reads one byte past it, so the caller leaves spare bytes after src.
export function horizontal(
  src: usize, inW: i32, rowFirst: i32, rows: i32, outW: i32,
  start: usize, taps: usize, weights: usize, stride: i32, dst: usize, dstRowBytes: i32,
): void {
  const half = i32x4.splat(HALF);
  for (let y = 0; y < rows; y++) {
    const rowBase = src + <usize>((rowFirst + y) * inW * 3);
    let o = dst + <usize>(y * dstRowBytes);
    for (let xx = 0; xx < outW; xx++) {
      const n = load<i32>(taps + (<usize>xx << 2));
      let p = rowBase + <usize>(load<i32>(start + (<usize>xx << 2)) * 3);
      let k = weights + (<usize>(xx * stride) << 2);
      let acc = half;
      for (let t = 0; t < n; t++) {
        const px = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p)));
        acc = i32x4.add(acc, i32x4.mul(px, i32x4.splat(load<i32>(k))));
        p += 3;
        k += 4;
      }
      const packed = pack4(acc);
      if (xx + 1 < outW) {
        // The fourth byte lands on the next pixel's R, which the next iteration overwrites.
        v128.store32_lane(o, packed, 0);
      } else {
        v128.store16_lane(o, packed, 0);
        v128.store8_lane(o + 2, packed, 2);
      }
      o += 3;
    }
  }
}

// Vertical pass over rows of rowLen bytes: output row yy = sum over its taps of input rows
// (start[yy] - rowFirst + t). 16 bytes per step, scalar tail.
export function vertical(
  tmp: usize, rowLen: i32, rowFirst: i32, outH: i32,
  start: usize, taps: usize, weights: usize, stride: i32, dst: usize,
): void {
  const half = i32x4.splat(HALF);
  const rowBytes = <usize>rowLen;
  for (let yy = 0; yy < outH; yy++) {
    const n = load<i32>(taps + (<usize>yy << 2));
    const first = tmp + <usize>(load<i32>(start + (<usize>yy << 2)) - rowFirst) * rowBytes;
    const kBase = weights + (<usize>(yy * stride) << 2);
    const out = dst + <usize>yy * rowBytes;
    let i: usize = 0;
    for (; i + 16 <= rowBytes; i += 16) {
      let a0 = half;
      let a1 = half;
      let a2 = half;
      let a3 = half;
      let p = first + i;
      for (let t = 0; t < n; t++) {
        const k = i32x4.splat(load<i32>(kBase + (<usize>t << 2)));
        const v = v128.load(p);
        const lo = i16x8.extend_low_i8x16_u(v);
        const hi = i16x8.extend_high_i8x16_u(v);
        a0 = i32x4.add(a0, i32x4.mul(i32x4.extend_low_i16x8_u(lo), k));
        a1 = i32x4.add(a1, i32x4.mul(i32x4.extend_high_i16x8_u(lo), k));
        a2 = i32x4.add(a2, i32x4.mul(i32x4.extend_low_i16x8_u(hi), k));
        a3 = i32x4.add(a3, i32x4.mul(i32x4.extend_high_i16x8_u(hi), k));
        p += rowBytes;
      }
      const w0 = i16x8.narrow_i32x4_s(i32x4.shr_s(a0, SHIFT), i32x4.shr_s(a1, SHIFT));
      const w1 = i16x8.narrow_i32x4_s(i32x4.shr_s(a2, SHIFT), i32x4.shr_s(a3, SHIFT));
      v128.store(out + i, i8x16.narrow_i16x8_u(w0, w1));
    }
    for (; i < rowBytes; i++) {
      let acc: i32 = HALF;
      let p = first + i;
      for (let t = 0; t < n; t++) {
        acc += <i32>load<u8>(p) * load<i32>(kBase + (<usize>t << 2));
        p += rowBytes;
      }
      const v = acc >> SHIFT;
      store<u8>(out + i, v < 0 ? 0 : v > 255 ? 255 : v);
    }
  }
}

// uint8 RGB HWC -> float32 CHW, each value (v / 255 - mean[c]) / std[c] in float32. `pixels`
// consecutive pixels go to `dst` in each of the three planes, planes `plane` floats apart (a run of
// rows of a larger image can be normalised alone). That is
// transformers' rescale (v * (1/255) in float64, cast to float32: equal to the float32 quotient
// for all 256 bytes) and normalize (float32). 16 pixels per step: the 48 bytes are split into
// R, G and B vectors by two shuffles each.
@inline
function norm4(bytes: v128, which: i32, scale: v128, mean: v128, std: v128): v128 {
  const w = which < 2 ? i16x8.extend_low_i8x16_u(bytes) : i16x8.extend_high_i8x16_u(bytes);
  const d = (which & 1) == 0 ? i32x4.extend_low_i16x8_u(w) : i32x4.extend_high_i16x8_u(w);
  return f32x4.div(f32x4.sub(f32x4.div(f32x4.convert_i32x4_u(d), scale), mean), std);
}

@inline
function storePlane(dst: usize, v: v128, scale: v128, mean: v128, std: v128): void {
  v128.store(dst, norm4(v, 0, scale, mean, std));
  v128.store(dst + 16, norm4(v, 1, scale, mean, std));
  v128.store(dst + 32, norm4(v, 2, scale, mean, std));
  v128.store(dst + 48, norm4(v, 3, scale, mean, std));
}

export function normalize(src: usize, pixels: i32, planePixels: i32, m0: f32, m1: f32, m2: f32, s0: f32, s1: f32, s2: f32, dst: usize): void {
  const plane = <usize>planePixels << 2;
  const scale = f32x4.splat(255);
  const vm0 = f32x4.splat(m0);
  const vm1 = f32x4.splat(m1);
  const vm2 = f32x4.splat(m2);
  const vs0 = f32x4.splat(s0);
  const vs1 = f32x4.splat(s1);
  const vs2 = f32x4.splat(s2);
  let p = src;
  let o = dst;
  let i = 0;
  for (; i + 16 <= pixels; i += 16) {
    const b0 = v128.load(p);
    const b1 = v128.load(p + 16);
    const b2 = v128.load(p + 32);
    const r = i8x16.shuffle(i8x16.shuffle(b0, b1, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 0, 0, 0, 0, 0), b2,
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 20, 23, 26, 29);
    const g = i8x16.shuffle(i8x16.shuffle(b0, b1, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 0, 0, 0, 0, 0), b2,
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 18, 21, 24, 27, 30);
    const b = i8x16.shuffle(i8x16.shuffle(b0, b1, 2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 0, 0, 0, 0, 0, 0), b2,
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 19, 22, 25, 28, 31);
    storePlane(o, r, scale, vm0, vs0);
    storePlane(o + plane, g, scale, vm1, vs1);
    storePlane(o + plane + plane, b, scale, vm2, vs2);
    p += 48;
    o += 64;
  }
  for (; i < pixels; i++) {
    store<f32>(o, (<f32>load<u8>(p) / 255 - m0) / s0);
    store<f32>(o + plane, (<f32>load<u8>(p + 1) / 255 - m1) / s1);
    store<f32>(o + plane + plane, (<f32>load<u8>(p + 2) / 255 - m2) / s2);
    p += 3;
    o += 4;
  }
}

// First free byte after this module's static data.
export function heapBase(): usize {
  return __heap_base;
}

// torch.nn.functional.interpolate(mode='bilinear', align_corners=False) on float32 planes, in
// float32. Rows first: r = row(y0)*wy0 + row(y1)*wy1 over the whole source row (SIMD), then
// out[x] = r[x0]*wx0 + r[x1]*wx1. torch evaluates the x pair first; the two orders differ by
// float32 rounding only (about 1e-7 relative), and this one does half the scalar work.
// An axis table of n outputs is i0[n] (i32), i1[n] (i32), w0[n] (f32), w1[n] (f32), consecutive.
// `row` is scratch for one source row (inW floats).
export function bilinear(
  src: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32,
  ax: usize, ay: usize, row: usize, dst: usize,
): void {
  const inPlane = <usize>(inH * inW) << 2;
  const inRow = <usize>inW << 2;
  const yn4 = <usize>outH << 2;
  const xn4 = <usize>outW << 2;
  let o = dst;
  for (let c = 0; c < planes; c++) {
    const base = src + <usize>c * inPlane;
    for (let y = 0; y < outH; y++) {
      const yo = <usize>y << 2;
      const r0 = base + <usize>load<i32>(ay + yo) * inRow;
      const r1 = base + <usize>load<i32>(ay + yn4 + yo) * inRow;
      const w0 = load<f32>(ay + yn4 + yn4 + yo);
      const w1 = load<f32>(ay + yn4 + yn4 + yn4 + yo);
      const v0 = f32x4.splat(w0);
      const v1 = f32x4.splat(w1);
      let x: usize = 0;
      for (; x + 16 <= inRow; x += 16) {
        v128.store(row + x, f32x4.add(f32x4.mul(v128.load(r0 + x), v0), f32x4.mul(v128.load(r1 + x), v1)));
      }
      for (; x < inRow; x += 4) {
        store<f32>(row + x, load<f32>(r0 + x) * w0 + load<f32>(r1 + x) * w1);
      }
      for (let xo: usize = 0; xo < xn4; xo += 4) {
        const a = load<f32>(row + (<usize>load<i32>(ax + xo) << 2));
        const b = load<f32>(row + (<usize>load<i32>(ax + xn4 + xo) << 2));
        store<f32>(o + xo, a * load<f32>(ax + xn4 + xn4 + xo) + b * load<f32>(ax + xn4 + xn4 + xn4 + xo));
      }
      o += xn4;
    }
  }
}

// HD: a 3 x (lr*grid) x (lr*grid) tensor cut into grid x grid views of 3 x lr x lr, row-major.
export function crops(src: usize, lr: i32, grid: i32, dst: usize): void {
  const whole = <usize>(lr * grid);
  const rowBytes = <usize>lr << 2;
  let o = dst;
  for (let gy = 0; gy < grid; gy++) {
    for (let gx = 0; gx < grid; gx++) {
      for (let c = 0; c < 3; c++) {
        for (let y = 0; y < lr; y++) {
          const from = src + ((<usize>c * whole * whole + (<usize>(gy * lr + y)) * whole + <usize>(gx * lr)) << 2);
          memory.copy(o, from, rowBytes);
          o += rowBytes;
        }
      }
    }
  }
}
