import type { DecoderRunner } from './decoder-runner.ts';
import type { GenerationStream } from './generation-stream.ts';
import type { IncrementalDetokenizer } from './incremental-detokenizer.ts';
import type { StopStringFilter } from './stop-string-filter.ts';
import type { FinishReason, StoppingCriteria } from './stopping-criteria.ts';
import { logprobsOf, type ChosenLogprob } from './token-logprobs.ts';
import type { TokenSelector } from './token-selector.ts';

export interface DecodeLoopParts {
  runner: Pick<DecoderRunner, 'step'>;
  selector: Pick<TokenSelector, 'select'>;
  stopping: StoppingCriteria;
  detokenizer: IncrementalDetokenizer;
  stopStrings: StopStringFilter;
  /** Ids that are generated but never shown (bos, pad). */
  hiddenIds: ReadonlySet<number>;
  stream: Pick<GenerationStream, 'push'>;
  now: () => number;
  /** Each shown token's log-probability under the raw logits, with `top` alternatives, emitted before its text. */
  logprobs?: { top: number; emit: (entry: ChosenLogprob) => void };
}

export interface DecodeLoopResult {
  finishReason: FinishReason;
  text: string;
  outputIds: number[];
  /** When the first token was chosen (`now()` units); NaN if none was. */
  firstTokenAt: number;
  endAt: number;
  error?: unknown;
}

/**
 * The token loop: select a token from the last logits row, stop on a stop id / stop string /
 * budget / abort, stream its text, feed it back. An error before the first token is thrown
 * (the caller rejects); after it, the loop ends with finishReason 'error'.
 */
export async function decodeLoop(firstLogits: Float32Array, parts: DecodeLoopParts): Promise<DecodeLoopResult> {
  const { runner, selector, stopping, detokenizer, stopStrings, hiddenIds, stream, now } = parts;
  const outputIds: number[] = [];
  let text = '';
  let firstTokenAt = Number.NaN;
  let finishReason: FinishReason | null = null;
  let stoppedByString = false;
  let error: unknown;
  const emit = (s: string): void => {
    if (s.length === 0) return;
    text += s;
    stream.push(s);
  };

  let logits = firstLogits;
  try {
    for (;;) {
      if (stopping.aborted()) {
        finishReason = 'abort';
        break;
      }
      // The selector processes the row in place: keep the raw row for the log-probabilities.
      const raw = parts.logprobs ? logits.slice() : null;
      const id = selector.select(logits);
      outputIds.push(id);
      if (outputIds.length === 1) firstTokenAt = now();
      if (stopping.isStopToken(id)) {
        finishReason = 'stop';
        break;
      }
      if (!hiddenIds.has(id)) {
        if (raw) parts.logprobs!.emit(logprobsOf(raw, id, parts.logprobs!.top));
        const check = stopStrings.push(detokenizer.push(id));
        emit(check.emit);
        if (check.stopped) {
          finishReason = 'stop';
          stoppedByString = true;
          break;
        }
      }
      if (stopping.exhausted(outputIds.length)) {
        finishReason = 'length';
        break;
      }
      logits = await runner.step(id);
    }
  } catch (err) {
    if (outputIds.length === 0) throw err;
    finishReason = 'error';
    error = err;
  }

  if (!stoppedByString) {
    const check = stopStrings.push(detokenizer.flush());
    emit(check.emit);
    if (check.stopped && finishReason !== 'error') finishReason = 'stop';
    else emit(stopStrings.flush());
  }
  return { finishReason: finishReason ?? 'stop', text, outputIds, firstTokenAt, endAt: now(), ...(error ? { error } : {}) };
}
