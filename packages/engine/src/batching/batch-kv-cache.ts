import * as ort from 'onnxruntime-node';
import { layerName } from '../graph-contract.ts';
import type { Manifest } from '../manifest.ts';

type KvData = Float32Array | Uint16Array;

/**
 * A leaving row is cut out in place while the rows that remain still fill all but this fraction
 * of the seq axis; past that, the layout is rebuilt as long as the longest remaining row (the
 * copy costs about one step's worth of cache traffic; padding costs every later step).
 */
const MAX_PADDING_KEPT = 1 / 8;

/** Where a row's keys/values are now: row `row` of tensors `[B, heads, length, head_dim]`. */
interface KvSource {
  tensors: Record<string, ort.Tensor>;
  row: number;
  /** The seq length of those tensors (the row's real tokens are its last `row.length`). */
  seqLength: number;
}

interface KvRow {
  id: number;
  /** Tokens of this sequence in the cache. */
  length: number;
  /** Set while the row is not yet in the batched tensors (just joined, or before a rebuild). */
  source: KvSource | null;
}

export interface BatchStepFeeds {
  feeds: Record<string, ort.Tensor>;
  /** Row ids in batch order (row i of the logits is rows[i]). */
  rows: readonly number[];
}

/**
 * The KV cache of a decode batch, left-padded: row i's tokens fill the last `length_i` slots of
 * the seq axis, the slots before them are masked out (attention_mask 0), and every row's next
 * token is appended at the same index, so each step's present.* is fed back as the next past.*
 * without a copy while the batch is unchanged. A row joining or leaving marks the layout stale:
 * the next step copies every row once into tensors as long as the longest row.
 */
export class BatchKvCache {
  private readonly pastNames: string[] = [];
  private readonly presentNames: string[] = [];
  private readonly heads: number;
  private readonly headDim: number;
  private readonly dtype: 'float32' | 'float16';
  private rows: KvRow[] = [];
  private past: Record<string, ort.Tensor> = {};
  private seqLength = 0;
  private stale = true;
  /** Bytes of one token's keys and values over all layers. */
  readonly bytesPerToken: number;

  constructor(manifest: Manifest) {
    const kv = manifest.kv_cache;
    for (let i = 0; i < manifest.llm.num_layers; i++) {
      this.pastNames.push(layerName(kv.past_key, i), layerName(kv.past_value, i));
      this.presentNames.push(layerName(kv.present_key, i), layerName(kv.present_value, i));
    }
    this.heads = manifest.llm.num_kv_heads;
    this.headDim = manifest.llm.head_dim;
    this.dtype = kv.dtype;
    this.bytesPerToken = this.pastNames.length * this.heads * this.headDim * (kv.dtype === 'float16' ? 2 : 4);
  }

  get size(): number {
    return this.rows.length;
  }

  /** Real tokens held (padding excluded). */
  get usedTokens(): number {
    let n = 0;
    for (const r of this.rows) n += r.length;
    return n;
  }

  /** Slots of the batched tensors, padding included (what the decoder reads each step). */
  get allocatedTokens(): number {
    return this.stale ? 0 : this.rows.length * this.seqLength;
  }

  /**
   * Adds a sequence from its prefill's cache, keyed by the past.* input names
   * (`[1, heads, length, head_dim]` each).
   */
  join(id: number, prefillPast: Record<string, ort.Tensor>, length: number): void {
    this.rows.push({ id, length, source: { tensors: prefillPast, row: 0, seqLength: length } });
    this.stale = true;
  }

  /**
   * Removes a sequence. While the layout is current, its slot is cut out of the batched tensors
   * in place (the rows after it move up one row; nothing is allocated, and every other row
   * keeps its padding, so its logits stay the same bits); the layout is rebuilt only when the
   * rows that remain would leave too much of the seq axis as padding.
   */
  leave(id: number): void {
    const at = this.rows.findIndex((r) => r.id === id);
    if (at === -1) return;
    if (!this.stale && this.rows.length > 1 && this.paddingAfterLeaving(at) <= this.seqLength * MAX_PADDING_KEPT) {
      this.cutRow(at);
      return;
    }
    this.snapshotSources();
    this.rows.splice(at, 1);
    this.stale = true;
  }

  /** Feeds for one decoder step over every row (`inputs_embeds` is the caller's). */
  stepFeeds(): BatchStepFeeds {
    if (this.stale) this.rebuild();
    const b = this.rows.length;
    const total = this.seqLength + 1;
    const mask = new BigInt64Array(b * total);
    const positions = new BigInt64Array(b);
    this.rows.forEach((r, i) => {
      mask.fill(1n, i * total + (this.seqLength - r.length), (i + 1) * total);
      positions[i] = BigInt(r.length);
    });
    return {
      feeds: {
        ...this.past,
        attention_mask: new ort.Tensor('int64', mask, [b, total]),
        position_ids: new ort.Tensor('int64', positions, [b, 1]),
      },
      rows: this.rows.map((r) => r.id),
    };
  }

  /** Takes the step's present.* as the new past.* (every row grew by one token). */
  advance(outputs: Record<string, ort.Tensor>): void {
    this.pastNames.forEach((name, i) => {
      this.past[name] = outputs[this.presentNames[i] as string] as ort.Tensor;
    });
    this.seqLength += 1;
    for (const r of this.rows) r.length += 1;
  }

  clear(): void {
    this.rows = [];
    this.past = {};
    this.seqLength = 0;
    this.stale = true;
  }

  /** Slots of the seq axis that no remaining row would use if row `at` left. */
  private paddingAfterLeaving(at: number): number {
    let longest = 0;
    this.rows.forEach((r, i) => {
      if (i !== at) longest = Math.max(longest, r.length);
    });
    return this.seqLength - longest;
  }

  /** Cuts row `at` out of every batched tensor: a copyWithin of the rows after it, then a shorter view. */
  private cutRow(at: number): void {
    this.rows.splice(at, 1);
    const b = this.rows.length;
    const block = this.heads * this.seqLength * this.headDim;
    for (const name of this.pastNames) {
      const data = (this.past[name] as ort.Tensor).data as KvData;
      data.copyWithin(at * block, (at + 1) * block, (b + 1) * block);
      this.past[name] = new ort.Tensor(this.dtype, data.subarray(0, b * block), [b, this.heads, this.seqLength, this.headDim]);
    }
  }

  /** Rows still in the batched tensors keep a pointer to them before the layout changes. */
  private snapshotSources(): void {
    const tensors = this.past;
    this.rows.forEach((r, i) => {
      r.source ??= { tensors, row: i, seqLength: this.seqLength };
    });
  }

  private rebuild(): void {
    this.snapshotSources();
    const b = this.rows.length;
    const seq = this.rows.reduce((m, r) => Math.max(m, r.length), 0);
    const block = this.heads * this.headDim;
    const past: Record<string, ort.Tensor> = {};
    for (const name of this.pastNames) {
      const data: KvData = this.dtype === 'float16' ? new Uint16Array(b * block * seq) : new Float32Array(b * block * seq);
      this.rows.forEach((r, i) => {
        const src = r.source as KvSource;
        const from = src.tensors[name]?.data as KvData;
        for (let h = 0; h < this.heads; h++) {
          const srcStart = ((src.row * this.heads + h) * src.seqLength + (src.seqLength - r.length)) * this.headDim;
          const dstStart = ((i * this.heads + h) * seq + (seq - r.length)) * this.headDim;
          data.set(from.subarray(srcStart, srcStart + r.length * this.headDim), dstStart);
        }
      });
      past[name] = new ort.Tensor(this.dtype, data, [b, this.heads, seq, this.headDim]);
    }
    for (const r of this.rows) r.source = null;
    this.past = past;
    this.seqLength = seq;
    this.stale = false;
  }
}
