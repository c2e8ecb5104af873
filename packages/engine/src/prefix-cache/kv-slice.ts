import * as ort from 'onnxruntime-node';

type KvData = Float32Array | Uint16Array;

/**
 * The first `length` positions of a single-row KV cache (`[1, heads, seq, head_dim]` per name),
 * copied into tensors of their own: nothing that later happens to `past` reaches the copy.
 */
export function sliceKv(past: Record<string, ort.Tensor>, length: number): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(past)) {
    const [, heads, seq, headDim] = t.dims as [number, number, number, number];
    if (length > seq) throw new Error(`cannot take ${length} positions of a ${seq}-position cache`);
    const src = t.data as KvData;
    const dst = src instanceof Uint16Array ? new Uint16Array(heads * length * headDim) : new Float32Array(heads * length * headDim);
    for (let h = 0; h < heads; h++) dst.set(src.subarray(h * seq * headDim, (h * seq + length) * headDim), h * length * headDim);
    out[name] = new ort.Tensor(t.type as 'float32' | 'float16', dst, [1, heads, length, headDim]);
  }
  return out;
}

/** Bytes of a KV cache's data. */
export function kvBytes(past: Record<string, ort.Tensor>): number {
  let n = 0;
  for (const t of Object.values(past)) n += (t.data as KvData).byteLength;
  return n;
}
