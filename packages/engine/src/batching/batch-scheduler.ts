import * as ort from 'onnxruntime-node';
import type { Logger } from 'pino';
import type { DecodeLoopResult, SequenceDecoder } from '../generation/sequence-decoder.ts';
import type { Manifest } from '../manifest.ts';
import { Admission, type AdmissionLimits } from './admission.ts';
import { BatchKvCache } from './batch-kv-cache.ts';
import { ComputeLock } from './compute-lock.ts';
import { TokenEmbeddingTable } from './token-embedding-table.ts';

type Session = Pick<ort.InferenceSession, 'run'>;

/** A prefilled sequence, ready to decode: its first token is chosen, `nextId` goes in next. */
export interface PrefilledSequence {
  decoder: SequenceDecoder;
  signal: AbortSignal;
  nextId: number;
  /** Its prefill's KV cache, keyed by past.* input names. */
  cache: Record<string, ort.Tensor>;
  /** Tokens in that cache. */
  length: number;
}

interface Row extends PrefilledSequence {
  id: number;
  done: (result: DecodeLoopResult) => void;
}

/**
 * Rows whose left padding is a multiple of this many slots get bit-identical logits to the same
 * sequence decoded alone (onnxruntime's CPU softmax and attention reductions run in lanes of 4
 * floats: shifting a row by 4k slots keeps every key in its lane; any other shift changes the
 * order of the float additions, measured up to 1.6e-5 on a logit). Every row grows by one token
 * a step, so the rows' lengths modulo 4 keep their differences: in the `exact` layout a
 * prefilled sequence waits up to 3 steps to join, until its length is congruent to the running
 * rows' (its first token is already out; its second comes up to 3 steps later). `packed` joins
 * at once (logits within float rounding of the lone run).
 */
export const KV_ALIGNMENT = 4;

export type BatchLayout = 'exact' | 'packed';

/** What the scheduler is doing now (the worker publishes it in its record). */
export interface BatchStats {
  maxBatch: number;
  /** Sequences holding a slot: prefilling or decoding. */
  running: number;
  /** Sequences waiting for a slot or for KV budget. */
  waiting: number;
  /** Tokens in the KV cache of the decoding rows (padding excluded). */
  kvTokensUsed: number;
  /** Worst-case tokens reserved by the admitted sequences (prompt + max new tokens each). */
  kvTokensReserved: number;
  kvTokensBudget: number;
  /** Bytes of one token's keys and values over all layers. */
  kvBytesPerToken: number;
  /** Decode steps run so far, by batch size (index = rows decoded in the step). */
  stepsByBatchSize: number[];
  layout: BatchLayout;
}

export interface BatchSchedulerOptions extends AdmissionLimits {
  /** Default `exact`: every row's logits are bit-identical to its lone run. */
  layout?: BatchLayout;
  embed: Session;
  decoder: Session;
  manifest: Manifest;
  logger: Logger;
}

/**
 * Continuous (iteration-level) batching: every decode step runs one decoder call for all
 * decoding sequences (their next ids' embeddings come from a table of embed.onnx's rows); a sequence joins at the next step once its prefill is done
 * and leaves the moment it ends (stop, length, abort, error), without disturbing the others.
 */
export class BatchScheduler {
  readonly admission: Admission;
  /** Vision + prefill of arrivals and the batch's steps take turns on the cores. */
  readonly compute = new ComputeLock();
  private readonly kv: BatchKvCache;
  private readonly layout: BatchLayout;
  private readonly alignment: number;
  private readonly rows = new Map<number, Row>();
  private readonly arrivals: Row[] = [];
  private readonly steps: number[];
  /** embed.onnx's rows for the whole vocabulary, built at the first step. */
  private table: TokenEmbeddingTable | null = null;
  /** The step's inputs_embeds, rewritten every step (`[rows, 1, hidden]` at its start). */
  private readonly stepEmbeds: Float32Array;
  private nextRowId = 1;
  private looping = false;
  private stepCount = 0;
  /** (length − steps) mod alignment of the running rows: the same for all of them, for good. */
  private phase: number | null = null;

  constructor(private readonly options: BatchSchedulerOptions) {
    this.admission = new Admission({ maxBatch: options.maxBatch, kvBudgetTokens: options.kvBudgetTokens });
    this.layout = options.layout ?? 'exact';
    this.alignment = this.layout === 'exact' ? KV_ALIGNMENT : 1;
    this.kv = new BatchKvCache(options.manifest);
    this.steps = new Array<number>(options.maxBatch + 1).fill(0);
    this.stepEmbeds = new Float32Array(options.maxBatch * options.manifest.llm.hidden_size);
  }

  /** Decodes a prefilled sequence in the batch; resolves with its result when it has ended. */
  decode(seq: PrefilledSequence): Promise<DecodeLoopResult> {
    return new Promise<DecodeLoopResult>((resolve) => {
      this.arrivals.push({ ...seq, id: this.nextRowId++, done: resolve });
      if (!this.looping) void this.loop();
    });
  }

  /** Rows in the decode loop now (running or about to join at the next step). */
  get decodingRows(): number {
    return this.rows.size + this.arrivals.length;
  }

  stats(): BatchStats {
    let used = this.kv.usedTokens;
    for (const a of this.arrivals) used += a.length;
    return {
      maxBatch: this.options.maxBatch,
      running: this.admission.running,
      waiting: this.admission.waiting,
      kvTokensUsed: used,
      kvTokensReserved: this.admission.reserved,
      kvTokensBudget: this.options.kvBudgetTokens,
      kvBytesPerToken: this.kv.bytesPerToken,
      stepsByBatchSize: [...this.steps],
      layout: this.layout,
    };
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      for (;;) {
        this.admitArrivals();
        for (const row of this.rows.values()) {
          if (row.signal.aborted) {
            row.decoder.abort();
            this.retire(row);
          }
        }
        if (this.rows.size === 0) {
          if (this.arrivals.length === 0) return;
          continue;
        }
        await this.compute.run(() => this.step());
      }
    } finally {
      this.looping = false;
    }
  }

  /** Arrivals whose length is in step with the running rows join (all of them when none run). */
  private admitArrivals(): void {
    const a = this.alignment;
    const phase = (length: number) => (((length - this.stepCount) % a) + a) % a;
    if (this.rows.size === 0) this.phase = null;
    const waiting: Row[] = [];
    for (const row of this.arrivals.splice(0)) {
      if (row.signal.aborted) {
        row.decoder.abort();
        row.done(row.decoder.finish());
        continue;
      }
      this.phase ??= phase(row.length);
      if (phase(row.length) !== this.phase) {
        waiting.push(row);
        continue;
      }
      this.rows.set(row.id, row);
      this.kv.join(row.id, row.cache, row.length);
      row.cache = {};
    }
    this.arrivals.push(...waiting);
  }

  /** One decoder call for every row; each row then picks its next token or leaves. */
  private async step(): Promise<void> {
    const { feeds, rows } = this.kv.stepFeeds();
    const batch = rows.map((id) => this.rows.get(id) as Row);
    const b = batch.length;
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      const { llm } = this.options.manifest;
      this.table ??= await TokenEmbeddingTable.build(this.options.embed, llm.vocab_size, llm.hidden_size);
      this.table.gather(batch.map((r) => r.nextId), this.stepEmbeds);
      feeds.inputs_embeds = new ort.Tensor('float32', this.stepEmbeds.subarray(0, b * llm.hidden_size), [b, 1, llm.hidden_size]);
      out = await this.options.decoder.run(feeds);
    } catch (err) {
      this.options.logger.error({ err, batch: b }, 'batched decode step failed: every row of the step ends with an error');
      for (const row of batch) {
        row.decoder.fail(err);
        this.retire(row);
      }
      return;
    }
    this.stepCount += 1;
    this.steps[b] = (this.steps[b] ?? 0) + 1;
    this.kv.advance(out as Record<string, ort.Tensor>);
    const logits = out.logits as ort.Tensor;
    const vocab = logits.dims[2] as number;
    const data = logits.data as Float32Array;
    batch.forEach((row, i) => {
      const next = row.decoder.next(data.subarray(i * vocab, (i + 1) * vocab));
      if (next === null) this.retire(row);
      else row.nextId = next;
    });
  }

  private retire(row: Row): void {
    this.rows.delete(row.id);
    this.kv.leave(row.id);
    row.done(row.decoder.finish());
  }
}
