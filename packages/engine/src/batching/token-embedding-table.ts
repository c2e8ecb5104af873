import * as ort from 'onnxruntime-node';

type Session = Pick<ort.InferenceSession, 'run'>;

/**
 * embed.onnx's output for every token id, computed once: a decode step then looks its rows' ids
 * up here instead of calling the embed graph (one onnxruntime call less per step, and the
 * step's inputs_embeds is written into a buffer reused by every step). The graph maps each id
 * to its row independently (a Gather, possibly scaled), so the table's rows are bit-identical to
 * what the graph returns for the same ids in any batch.
 */
export class TokenEmbeddingTable {
  private constructor(
    private readonly table: Float32Array,
    readonly vocabSize: number,
    readonly hidden: number,
  ) {}

  /** Runs the embed graph once over ids 0 … vocabSize − 1. */
  static async build(embed: Session, vocabSize: number, hidden: number): Promise<TokenEmbeddingTable> {
    const ids = new BigInt64Array(vocabSize);
    for (let i = 0; i < vocabSize; i++) ids[i] = BigInt(i);
    const out = await embed.run({ input_ids: new ort.Tensor('int64', ids, [1, vocabSize]) });
    const data = (out.inputs_embeds as ort.Tensor).data as Float32Array;
    if (data.length !== vocabSize * hidden) {
      throw new Error(`embed graph returned ${data.length} values for ${vocabSize} ids of width ${hidden}`);
    }
    return new TokenEmbeddingTable(data, vocabSize, hidden);
  }

  /** Writes the rows of `ids` one after the other into `into` (at least ids.length × hidden long). */
  gather(ids: ArrayLike<number>, into: Float32Array): void {
    const h = this.hidden;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new RangeError(`token id ${id} is outside the vocabulary (${this.vocabSize})`);
      into.set(this.table.subarray(id * h, (id + 1) * h), i * h);
    }
  }
}
