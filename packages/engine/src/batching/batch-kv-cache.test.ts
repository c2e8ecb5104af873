import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../manifest.ts';
import { BatchKvCache } from './batch-kv-cache.ts';

const HEADS = 2;
const HEAD_DIM = 3;
const LAYERS = 2;
const manifest = {
  llm: { num_layers: LAYERS, num_kv_heads: HEADS, head_dim: HEAD_DIM },
  kv_cache: {
    dtype: 'float32',
    past_key: 'past_key_values.{layer}.key',
    past_value: 'past_key_values.{layer}.value',
    present_key: 'present.{layer}.key',
    present_value: 'present.{layer}.value',
  },
} as unknown as Manifest;
const names = Array.from({ length: LAYERS }, (_, l) => [`past_key_values.${l}.key`, `past_key_values.${l}.value`]).flat();

/** A prefill cache whose every value says which sequence, tensor, head, token and channel it is. */
function prefillCache(seq: number, length: number): Record<string, ort.Tensor> {
  return Object.fromEntries(
    names.map((name, n) => {
      const data = new Float32Array(HEADS * length * HEAD_DIM);
      for (let h = 0; h < HEADS; h++)
        for (let t = 0; t < length; t++)
          for (let d = 0; d < HEAD_DIM; d++) data[(h * length + t) * HEAD_DIM + d] = seq * 1e4 + n * 1e3 + h * 100 + t + d / 10;
      return [name, new ort.Tensor('float32', data, [1, HEADS, length, HEAD_DIM])];
    }),
  );
}

/** Row `row` of the step feeds: its real tokens (padding dropped) and its mask, as plain arrays. */
function rowOf(feeds: Record<string, ort.Tensor>, row: number, length: number) {
  const mask = feeds.attention_mask as ort.Tensor;
  const total = mask.dims[1] as number;
  const seq = total - 1;
  const m = Array.from((mask.data as BigInt64Array).subarray(row * total, (row + 1) * total), Number);
  const kv = names.map((name) => {
    const data = (feeds[name] as ort.Tensor).data as Float32Array;
    const heads = [];
    for (let h = 0; h < HEADS; h++) {
      const start = ((row * HEADS + h) * seq + (seq - length)) * HEAD_DIM;
      heads.push(Array.from(data.subarray(start, start + length * HEAD_DIM)));
    }
    return heads;
  });
  return { mask: m, kv, position: Number((feeds.position_ids as ort.Tensor).data[row]) };
}

/** What row `seq` of length `length` must hold: its prefill cache, left-padded to `seq` slots. */
function expected(seq: number, length: number, slots: number) {
  const cache = prefillCache(seq, length);
  return {
    mask: [...new Array<number>(slots - length).fill(0), ...new Array<number>(length + 1).fill(1)],
    kv: names.map((name) => Array.from({ length: HEADS }, (_, h) => Array.from(((cache[name] as ort.Tensor).data as Float32Array).subarray(h * length * HEAD_DIM, (h + 1) * length * HEAD_DIM)))),
    position: length,
  };
}

describe('BatchKvCache: rows joining and leaving', () => {
  const lengths = [8, 12, 16, 4];
  const build = () => {
    const kv = new BatchKvCache(manifest);
    lengths.forEach((n, i) => kv.join(i, prefillCache(i, n), n));
    return kv;
  };

  it('lays every joined row out left-padded to the longest, with its mask and position', () => {
    const kv = build();
    const { feeds, rows } = kv.stepFeeds();
    expect(rows).toEqual([0, 1, 2, 3]);
    rows.forEach((id, i) => expect(rowOf(feeds, i, lengths[id] as number)).toEqual(expected(id, lengths[id] as number, 16)));
    expect(kv.allocatedTokens).toBe(4 * 16);
  });

  it('a row that leaves is cut out in place: the others keep their slots, padding and bits, nothing is reallocated', () => {
    const kv = build();
    const before = kv.stepFeeds().feeds;
    const buffer = ((before[names[0] as string] as ort.Tensor).data as Float32Array).buffer;
    kv.leave(1);
    // The layout stays current (main rebuilt it at the next step: allocatedTokens 0 until then).
    expect(kv.allocatedTokens).toBe(3 * 16);
    const { feeds, rows } = kv.stepFeeds();
    expect(rows).toEqual([0, 2, 3]);
    expect(((feeds[names[0] as string] as ort.Tensor).data as Float32Array).buffer).toBe(buffer);
    rows.forEach((id, i) => expect(rowOf(feeds, i, lengths[id] as number)).toEqual(expected(id, lengths[id] as number, 16)));
  });

  it('when the rows left would waste over an eighth of the seq axis, the layout shrinks to the longest', () => {
    const kv = build();
    kv.stepFeeds();
    kv.leave(2);
    const { feeds, rows } = kv.stepFeeds();
    expect(rows).toEqual([0, 1, 3]);
    expect(kv.allocatedTokens).toBe(3 * 12);
    rows.forEach((id, i) => expect(rowOf(feeds, i, lengths[id] as number)).toEqual(expected(id, lengths[id] as number, 12)));
  });

  it('rows that join after cuts land after the rows kept; the first and last rows can leave too', () => {
    const kv = build();
    kv.stepFeeds();
    kv.leave(0);
    kv.leave(3);
    kv.join(7, prefillCache(7, 16), 16);
    kv.leave(2);
    kv.join(8, prefillCache(8, 8), 8);
    const { feeds, rows } = kv.stepFeeds();
    expect(rows).toEqual([1, 7, 8]);
    const len = (id: number) => (id < 4 ? (lengths[id] as number) : id === 7 ? 16 : 8);
    rows.forEach((id, i) => expect(rowOf(feeds, i, len(id))).toEqual(expected(id, len(id), 16)));
    kv.leave(1);
    kv.leave(7);
    kv.leave(8);
    expect(kv.size).toBe(0);
  });
});
