import type * as ort from 'onnxruntime-node';
import { type PromptKey, commonPrefixLength } from './prompt-key.ts';
import { kvBytes, sliceKv } from './kv-slice.ts';

/**
 * Prompt positions a hit leaves to the prefill at least. A prefill of n ≥ 2 positions after a
 * cached prefix gives keys, values and logits bit-identical to the prefill of the whole prompt
 * (onnxruntime CPU, measured on the shipped checkpoints: every row goes through the same GEMM
 * kernels, masked keys add exact zeros); a 1-position pass takes the GEMV path and differs in
 * the last bits, which could change a greedy answer.
 */
export const MIN_PREFILL_POSITIONS = 2;

/** The budget's owner (Admission): cached tokens take only budget no live sequence reserved. */
export interface CachedKvLedger {
  /** Most tokens the cache could hold now if it held nothing (0 while sequences wait for room). */
  roomForCached(): number;
  holdCached(tokens: number): boolean;
  releaseCached(tokens: number): void;
}

export interface PrefixCacheOptions {
  /** Most KV-budget tokens the cache may hold (prefix positions + image features); 0 turns it off. */
  maxTokens: number;
  /** Bytes of one token's keys and values over all layers: image features are charged in those units. */
  bytesPerToken: number;
  ledger: CachedKvLedger;
}

/** A cached prefix to start a prefill from: the keys and values of the prompt's first `length` positions. */
export interface CachedPrefix {
  length: number;
  past: Record<string, ort.Tensor>;
}

export interface PrefixCacheStats {
  enabled: boolean;
  /** Prompts looked up, and those that reused a cached prefix. */
  lookups: number;
  hits: number;
  /** Prompt positions of the lookups, and those taken from the cache instead of prefilled. */
  promptTokens: number;
  reusedTokens: number;
  /** Requests with an image (and no lens asked), and those whose vision graph did not run thanks to the cache. */
  imageLookups: number;
  imageHits: number;
  /** Entries (prefixes + image features) and what they hold. */
  entries: number;
  tokens: number;
  bytes: number;
  maxTokens: number;
  /** Entries dropped to make room: for a live sequence, for a newer entry, or for the cap. */
  evictions: number;
}

interface Entry {
  tokens: number;
  bytes: number;
  prefix?: { key: PromptKey; past: Record<string, ort.Tensor> };
  features?: Float32Array;
}

/**
 * Automatic prefix caching for a worker (as vLLM's, for a VLM): the keys and values of recent
 * prompts, keyed by their exact positions (text ids + image identity), and the vision features
 * of recent images. Least recently used goes first: when the cache is over its cap, when a new
 * entry needs room, or when admission reclaims budget for a live sequence.
 */
export class PrefixCache {
  private readonly entries = new Map<string, Entry>();
  private nextId = 1;
  private heldTokens = 0;
  private heldBytes = 0;
  private readonly counts = { lookups: 0, hits: 0, promptTokens: 0, reusedTokens: 0, imageLookups: 0, imageHits: 0, evictions: 0 };

  constructor(private readonly options: PrefixCacheOptions) {}

  get enabled(): boolean {
    return this.options.maxTokens > 0;
  }

  /** The longest cached prefix of `key` (leaving MIN_PREFILL_POSITIONS to prefill), or null. */
  lookupPrefix(key: PromptKey): CachedPrefix | null {
    if (!this.enabled) return null;
    const total = key.positions.length;
    this.counts.lookups += 1;
    this.counts.promptTokens += total;
    let best: { id: string; entry: Entry; length: number } | null = null;
    for (const [id, entry] of this.entries) {
      if (!entry.prefix) continue;
      const length = commonPrefixLength(entry.prefix.key, key);
      if (length > (best?.length ?? 0)) best = { id, entry, length };
    }
    const usable = Math.min(best?.length ?? 0, total - MIN_PREFILL_POSITIONS);
    if (!best || usable < 1) return null;
    this.touch(best.id, best.entry);
    this.counts.hits += 1;
    this.counts.reusedTokens += usable;
    const past = best.entry.prefix!.past;
    return { length: usable, past: usable === best.entry.prefix!.key.positions.length ? past : sliceKv(past, usable) };
  }

  /** Keeps the keys and values of a prompt's prefill (copied), replacing entries it extends. */
  storePrefix(key: PromptKey, past: Record<string, ort.Tensor>): void {
    if (!this.enabled) return;
    const length = key.positions.length;
    for (const [id, entry] of this.entries) {
      if (!entry.prefix) continue;
      const common = commonPrefixLength(entry.prefix.key, key);
      if (common === length) {
        this.touch(id, entry); // already held, as this prompt or a longer one
        return;
      }
      if (common === entry.prefix.key.positions.length) this.remove(id, entry, false);
    }
    const copy = sliceKv(past, length);
    this.insert(`prefix:${this.nextId++}`, { tokens: length, bytes: kvBytes(copy), prefix: { key, past: copy } });
  }

  lookupFeatures(imageKey: string): Float32Array | null {
    if (!this.enabled) return null;
    const id = `image:${imageKey}`;
    const entry = this.entries.get(id);
    if (!entry) return null;
    this.touch(id, entry);
    return entry.features ?? null;
  }

  storeFeatures(imageKey: string, features: Float32Array): void {
    if (!this.enabled) return;
    const id = `image:${imageKey}`;
    const old = this.entries.get(id);
    if (old) {
      this.touch(id, old);
      return;
    }
    const tokens = Math.ceil(features.byteLength / this.options.bytesPerToken);
    this.insert(id, { tokens, bytes: features.byteLength, features });
  }

  /** Counts a request with an image: `reused` when the cache spared it the vision graph. */
  recordImage(reused: boolean): void {
    this.counts.imageLookups += 1;
    if (reused) this.counts.imageHits += 1;
  }

  /** Drops least recently used entries until `tokens` are freed (or none are left). */
  reclaim(tokens: number): void {
    let freed = 0;
    for (const [id, entry] of this.entries) {
      if (freed >= tokens) return;
      freed += entry.tokens;
      this.remove(id, entry, true);
    }
  }

  clear(): void {
    for (const [id, entry] of this.entries) this.remove(id, entry, false);
  }

  stats(): PrefixCacheStats {
    return {
      enabled: this.enabled,
      ...this.counts,
      entries: this.entries.size,
      tokens: this.heldTokens,
      bytes: this.heldBytes,
      maxTokens: this.options.maxTokens,
    };
  }

  private insert(id: string, entry: Entry): void {
    const { maxTokens, ledger } = this.options;
    if (entry.tokens > maxTokens || entry.tokens > ledger.roomForCached()) return;
    while (this.heldTokens + entry.tokens > maxTokens) this.evictOldest();
    while (!ledger.holdCached(entry.tokens)) {
      if (this.entries.size === 0) return;
      this.evictOldest();
    }
    this.entries.set(id, entry);
    this.heldTokens += entry.tokens;
    this.heldBytes += entry.bytes;
  }

  private evictOldest(): void {
    const first = this.entries.entries().next();
    if (!first.done) this.remove(first.value[0], first.value[1], true);
  }

  private remove(id: string, entry: Entry, eviction: boolean): void {
    if (!this.entries.delete(id)) return;
    this.heldTokens -= entry.tokens;
    this.heldBytes -= entry.bytes;
    this.options.ledger.releaseCached(entry.tokens);
    if (eviction) this.counts.evictions += 1;
  }

  private touch(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
  }
}
