import type { DecoderRunner } from './decoder-runner.ts';
import { type DecodeLoopResult, SequenceDecoder, type SequenceDecoderParts } from './sequence-decoder.ts';

export type { DecodeLoopResult } from './sequence-decoder.ts';

export interface DecodeLoopParts extends SequenceDecoderParts {
  runner: Pick<DecoderRunner, 'step'>;
}

/**
 * The token loop of one sequence decoded alone: select a token from the last logits row, stop
 * on a stop id / stop string / budget / abort, stream its text, feed it back. An error before
 * the first token is thrown (the caller rejects); after it, the loop ends with finishReason
 * 'error'.
 */
export async function decodeLoop(firstLogits: Float32Array, parts: DecodeLoopParts): Promise<DecodeLoopResult> {
  const seq = new SequenceDecoder(parts);
  let logits = firstLogits;
  try {
    for (;;) {
      const id = seq.next(logits);
      if (id === null) break;
      logits = await parts.runner.step(id);
    }
  } catch (err) {
    if (seq.outputIds.length === 0) throw err;
    seq.fail(err);
  }
  return seq.finish();
}
