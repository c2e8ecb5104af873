import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Admission } from '../batching/admission.ts';
import { MIN_PREFILL_POSITIONS, PrefixCache } from './prefix-cache.ts';
import { commonPrefixLength, promptKey } from './prompt-key.ts';

const HEADS = 2;
const DIM = 3;

/** A one-layer KV cache whose value at position p is p (so slices can be checked). */
function kv(length: number): Record<string, ort.Tensor> {
  const data = new Float32Array(HEADS * length * DIM);
  for (let h = 0; h < HEADS; h++) for (let p = 0; p < length; p++) data.fill(p, (h * length + p) * DIM, (h * length + p + 1) * DIM);
  return { 'past.0.key': new ort.Tensor('float32', data, [1, HEADS, length, DIM]) };
}

const text = (...ids: number[]) => promptKey(ids, -1, 0, null);

function setup(budget: number, maxTokens = budget) {
  const admission = new Admission({ maxBatch: 4, kvBudgetTokens: budget });
  const cache = new PrefixCache({ maxTokens, bytesPerToken: 8, ledger: admission });
  admission.setCachedKvHolder(cache);
  return { admission, cache };
}

describe('prompt keys', () => {
  it('splices the image positions in and matches them only for the same image', () => {
    const a = promptKey([1, 5, 6, 7], 2, 3, 'img-a');
    expect([...a.positions]).toEqual([1, 5, -1, -2, -3, 6, 7]);
    expect(commonPrefixLength(a, promptKey([1, 5, 6, 7, 8], 2, 3, 'img-a'))).toBe(7);
    expect(commonPrefixLength(a, promptKey([1, 5, 6, 7], 2, 3, 'img-b'))).toBe(2);
    expect(commonPrefixLength(a, promptKey([1, 5, 9], 2, 3, 'img-a'))).toBe(5);
  });
});

describe('PrefixCache', () => {
  it('returns the longest cached prefix, leaving at least two positions to prefill', () => {
    const { cache } = setup(1000);
    cache.storePrefix(text(1, 2, 3, 4), kv(4));
    cache.storePrefix(text(1, 2, 9), kv(3));
    const hit = cache.lookupPrefix(text(1, 2, 3, 4, 5, 6));
    expect(hit?.length).toBe(4);
    // The same prompt again: all but the last MIN_PREFILL_POSITIONS, sliced to that length.
    const again = cache.lookupPrefix(text(1, 2, 3, 4));
    expect(again?.length).toBe(4 - MIN_PREFILL_POSITIONS);
    expect(again?.past['past.0.key']?.dims).toEqual([1, HEADS, 2, DIM]);
    expect([...(again?.past['past.0.key']?.data as Float32Array)]).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1]);
    expect(cache.lookupPrefix(text(7, 8, 9))).toBeNull();
    expect(cache.stats()).toMatchObject({ lookups: 3, hits: 2, reusedTokens: 6, promptTokens: 13 });
  });

  it('keeps its own copy of the keys and values, and one entry for a prompt and its extensions', () => {
    const { cache } = setup(1000);
    const past = kv(3);
    cache.storePrefix(text(1, 2, 3), past);
    (past['past.0.key']?.data as Float32Array).fill(99);
    cache.storePrefix(text(1, 2, 3, 4, 5), kv(5));
    expect(cache.stats()).toMatchObject({ entries: 1, tokens: 5 });
    cache.storePrefix(text(1, 2), kv(2));
    expect(cache.stats()).toMatchObject({ entries: 1, tokens: 5 });
    expect((cache.lookupPrefix(text(1, 2, 3, 4, 5, 6, 7))?.past['past.0.key']?.data as Float32Array)[0]).toBe(0);
  });

  it('drops the least recently used entry when over its cap', () => {
    const { cache } = setup(1000, 10);
    cache.storePrefix(text(1, 1, 1, 1), kv(4));
    cache.storePrefix(text(2, 2, 2, 2), kv(4));
    cache.lookupPrefix(text(1, 1, 1, 1, 0, 0)); // 1s are now the most recent
    cache.storePrefix(text(3, 3, 3, 3), kv(4));
    expect(cache.lookupPrefix(text(2, 2, 2, 2, 0, 0))).toBeNull();
    expect(cache.lookupPrefix(text(1, 1, 1, 1, 0, 0))?.length).toBe(4);
    expect(cache.stats()).toMatchObject({ entries: 2, tokens: 8, evictions: 1 });
  });

  it('charges image features in KV tokens and finds them by image key', () => {
    const { cache, admission } = setup(1000);
    cache.storeFeatures('img', new Float32Array(5)); // 20 bytes at 8 a token: 3 tokens
    expect(cache.lookupFeatures('img')?.length).toBe(5);
    expect(cache.lookupFeatures('other')).toBeNull();
    expect(admission.cached).toBe(3);
    expect(cache.stats()).toMatchObject({ tokens: 3, bytes: 20 });
  });

  it('shares one budget with admission: cached entries go (oldest first) before a live sequence waits', async () => {
    const { cache, admission } = setup(100);
    cache.storePrefix(text(...new Array(30).fill(1)), kv(30));
    cache.storePrefix(text(...new Array(30).fill(2)), kv(30));
    expect(admission.cached).toBe(60);
    const r = await admission.reserve(50, new AbortController().signal);
    expect(admission.cached).toBe(30);
    expect(cache.lookupPrefix(text(...new Array(32).fill(1)))).toBeNull();
    expect(cache.lookupPrefix(text(...new Array(32).fill(2)))?.length).toBe(30);
    // While the sequence holds its 50, an entry only takes what is left, evicting older ones.
    cache.storePrefix(text(...new Array(40).fill(3)), kv(40));
    expect(admission.cached).toBe(40);
    expect(admission.reserved + admission.cached).toBeLessThanOrEqual(100);
    cache.storePrefix(text(...new Array(60).fill(4)), kv(60)); // could never fit beside the sequence
    expect(cache.stats().entries).toBe(1);
    r.release();
    expect(cache.stats()).toMatchObject({ evictions: 2 });
  });

  it('is off with a cap of 0: stores nothing, finds nothing', () => {
    const { cache, admission } = setup(100, 0);
    cache.storePrefix(text(1, 2, 3), kv(3));
    expect(cache.lookupPrefix(text(1, 2, 3, 4, 5))).toBeNull();
    expect(admission.cached).toBe(0);
    expect(cache.stats()).toMatchObject({ enabled: false, lookups: 0 });
  });
});
