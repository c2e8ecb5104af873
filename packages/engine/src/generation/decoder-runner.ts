import * as ort from 'onnxruntime-node';
import { layerName } from '../graph-contract.ts';
import type { Manifest } from '../manifest.ts';

type Session = Pick<ort.InferenceSession, 'run'>;

/**
 * embed.onnx + decoder.onnx with an explicit KV cache: a prefill over the spliced prompt, then
 * one token per step, each step's present.* fed back as the next step's past_key_values.*.
 * Buffers are allocated once per generation; a step allocates only onnxruntime's outputs.
 */
export class DecoderRunner {
  private readonly hidden: number;
  private readonly pastNames: string[] = [];
  private readonly presentNames: string[] = [];
  private readonly feeds: Record<string, ort.Tensor> = {};
  private readonly mask: BigInt64Array;
  private readonly stepId = new BigInt64Array(1);
  private readonly stepPos = new BigInt64Array(1);
  private readonly stepIdTensor: ort.Tensor;
  private readonly stepPosTensor: ort.Tensor;
  private length = 0;

  constructor(
    private readonly embedSession: Session,
    private readonly decoderSession: Session,
    manifest: Manifest,
    maxLength: number,
  ) {
    this.hidden = manifest.llm.hidden_size;
    const kv = manifest.kv_cache;
    for (let i = 0; i < manifest.llm.num_layers; i++) {
      this.pastNames.push(layerName(kv.past_key, i), layerName(kv.past_value, i));
      this.presentNames.push(layerName(kv.present_key, i), layerName(kv.present_value, i));
    }
    const empty = kv.dtype === 'float16' ? new Uint16Array(0) : new Float32Array(0);
    const emptyDims = [1, manifest.llm.num_kv_heads, 0, manifest.llm.head_dim];
    for (const name of this.pastNames) this.feeds[name] = new ort.Tensor(kv.dtype, empty, emptyDims);
    this.mask = new BigInt64Array(maxLength).fill(1n);
    this.stepIdTensor = new ort.Tensor('int64', this.stepId, [1, 1]);
    this.stepPosTensor = new ort.Tensor('int64', this.stepPos, [1, 1]);
  }

  /** Tokens in the KV cache. */
  get cachedLength(): number {
    return this.length;
  }

  /** The KV cache so far, keyed by the past.* input names (`[1, heads, cachedLength, head_dim]`). */
  get cache(): Record<string, ort.Tensor> {
    return Object.fromEntries(this.pastNames.map((name) => [name, this.feeds[name] as ort.Tensor]));
  }

  /** Text ids → embeddings [ids.length, hidden] (row-major). */
  async embed(ids: readonly number[]): Promise<Float32Array> {
    if (ids.length === 0) return new Float32Array(0);
    const input = new ort.Tensor('int64', BigInt64Array.from(ids, (x) => BigInt(x)), [1, ids.length]);
    const out = await this.embedSession.run({ input_ids: input });
    return (out.inputs_embeds as ort.Tensor).data as Float32Array;
  }

  /**
   * Starts from a cached prefix instead of an empty cache: `past` holds the keys and values of
   * the prompt's first `length` positions (`[1, heads, length, head_dim]` per past.* name), so
   * prefill() then runs only the rest of the prompt. Call before prefill(), once.
   */
  resumeFrom(past: Record<string, ort.Tensor>, length: number): void {
    if (this.length !== 0) throw new Error('resumeFrom() must come before the prefill');
    for (const name of this.pastNames) {
      const t = past[name];
      if (!t || t.dims[2] !== length) throw new Error(`cached prefix has no ${name} of ${length} positions`);
      this.feeds[name] = t;
    }
    this.length = length;
  }

  /**
   * Runs the prompt (already spliced embeddings, `n` rows) after what the cache holds (nothing,
   * or a prefix given to resumeFrom()); returns the last row of logits.
   */
  async prefill(embeds: Float32Array, n: number): Promise<Float32Array> {
    const positions = new BigInt64Array(n);
    for (let i = 0; i < n; i++) positions[i] = BigInt(this.length + i);
    const positionIds = new ort.Tensor('int64', positions, [1, n]);
    return this.run(new ort.Tensor('float32', embeds, [1, n, this.hidden]), positionIds, n);
  }

  /** Feeds one generated token; returns the next logits row. */
  async step(tokenId: number): Promise<Float32Array> {
    this.stepId[0] = BigInt(tokenId);
    const out = await this.embedSession.run({ input_ids: this.stepIdTensor });
    const embeds = out.inputs_embeds as ort.Tensor;
    this.stepPos[0] = BigInt(this.length);
    return this.run(embeds, this.stepPosTensor, 1);
  }

  private async run(embeds: ort.Tensor, positionIds: ort.Tensor, n: number): Promise<Float32Array> {
    const total = this.length + n;
    const feeds = this.feeds;
    feeds.inputs_embeds = embeds;
    feeds.attention_mask = new ort.Tensor('int64', this.mask.subarray(0, total), [1, total]);
    feeds.position_ids = positionIds;
    const out = await this.decoderSession.run(feeds);
    for (let i = 0; i < this.pastNames.length; i++) {
      feeds[this.pastNames[i] as string] = out[this.presentNames[i] as string] as ort.Tensor;
    }
    this.length = total;
    const logits = out.logits as ort.Tensor;
    const vocab = logits.dims[2] as number;
    return (logits.data as Float32Array).subarray((n - 1) * vocab, n * vocab);
  }
}
