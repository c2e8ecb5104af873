/**
 * The index/weight table of one axis of `torch.nn.functional.interpolate(mode='bilinear',
 * align_corners=False)` without antialias, as MGM's model_worker derives the LR image from the HR
 * tensor. In float32 like torch: `scale = in / out`, `src = scale * (dst + 0.5) - 0.5` clamped at
 * 0, `i0 = floor(src)`, `i1 = min(i0 + 1, in - 1)`, `w1 = src - i0`, `w0 = 1 - w1`. A downscale by
 * 2 therefore averages two pixels and ignores the others, exactly as torch does.
 * Layout (what assembly/resample.ts `bilinear` reads): i0[n] i32, i1[n] i32, w0[n] f32, w1[n] f32.
 */
export function bilinearAxis(inSize: number, outSize: number): ArrayBuffer {
  const f32 = Math.fround;
  const table = new ArrayBuffer(outSize * 16);
  const i0 = new Int32Array(table, 0, outSize);
  const i1 = new Int32Array(table, outSize * 4, outSize);
  const w0 = new Float32Array(table, outSize * 8, outSize);
  const w1 = new Float32Array(table, outSize * 12, outSize);
  const scale = f32(inSize / outSize);
  for (let d = 0; d < outSize; d++) {
    let src = f32(f32(scale * f32(d + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const lo = Math.min(Math.floor(src), inSize - 1);
    const lambda = Math.min(Math.max(f32(src - lo), 0), 1);
    i0[d] = lo;
    i1[d] = lo < inSize - 1 ? lo + 1 : lo;
    w1[d] = lambda;
    w0[d] = f32(1 - lambda);
  }
  return table;
}
