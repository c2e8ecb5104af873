import type { GenerationStream } from './generation-stream.ts';
import type { IncrementalDetokenizer } from './incremental-detokenizer.ts';
import type { StopStringFilter } from './stop-string-filter.ts';
import type { FinishReason, StoppingCriteria } from './stopping-criteria.ts';
import { logprobsOf, type ChosenLogprob } from './token-logprobs.ts';
import type { TokenSelector } from './token-selector.ts';

export interface SequenceDecoderParts {
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
 * The per-token logic of one sequence, independent of how its logits are computed (alone or
 * as one row of a batched decoder call): select a token from a logits row, stop on a stop id /
 * stop string / budget / abort, stream its text, and say which id to feed back.
 */
export class SequenceDecoder {
  readonly outputIds: number[] = [];
  private text = '';
  /** Whether visible text has been emitted: until then leading whitespace is dropped. */
  private answerStarted = false;
  private firstTokenAt = Number.NaN;
  private finishReason: FinishReason | null = null;
  private stoppedByString = false;
  private error: unknown;

  constructor(private readonly parts: SequenceDecoderParts) {}

  /** Whether the sequence has ended (next() returned null, or fail() was called). */
  get ended(): boolean {
    return this.finishReason !== null;
  }

  /**
   * Takes the logits row that follows the last fed token (modified in place); returns the id
   * to feed next, or null when the sequence has ended.
   */
  next(logits: Float32Array): number | null {
    if (this.finishReason !== null) return null;
    const { selector, stopping, detokenizer, stopStrings, hiddenIds, now } = this.parts;
    if (stopping.aborted()) return this.end('abort');
    // The selector processes the row in place: keep the raw row for the log-probabilities.
    const raw = this.parts.logprobs ? logits.slice() : null;
    const id = selector.select(logits);
    this.outputIds.push(id);
    if (this.outputIds.length === 1) this.firstTokenAt = now();
    if (stopping.isStopToken(id)) return this.end('stop');
    if (!hiddenIds.has(id)) {
      if (raw) this.parts.logprobs!.emit(logprobsOf(raw, id, this.parts.logprobs!.top));
      const check = stopStrings.push(detokenizer.push(id));
      this.emit(check.emit);
      if (check.stopped) {
        this.stoppedByString = true;
        return this.end('stop');
      }
    }
    if (stopping.exhausted(this.outputIds.length)) return this.end('length');
    return id;
  }

  /** Ends the sequence on an abort seen outside next() (e.g. while its batch was stepping). */
  abort(): void {
    if (this.finishReason === null) this.finishReason = 'abort';
  }

  /** The decoder failed after the first token: the sequence ends with finishReason 'error'. */
  fail(error: unknown): void {
    this.finishReason = 'error';
    this.error = error;
  }

  /** Flushes held-back text and returns the result; call once, after the sequence ended. */
  finish(): DecodeLoopResult {
    const { detokenizer, stopStrings, now } = this.parts;
    if (!this.stoppedByString) {
      const check = stopStrings.push(detokenizer.flush());
      this.emit(check.emit);
      if (check.stopped && this.finishReason !== 'error') this.finishReason = 'stop';
      else this.emit(stopStrings.flush());
    }
    return {
      finishReason: this.finishReason ?? 'stop',
      text: this.text,
      outputIds: this.outputIds,
      firstTokenAt: this.firstTokenAt,
      endAt: now(),
      ...(this.error ? { error: this.error } : {}),
    };
  }

  private end(reason: FinishReason): null {
    this.finishReason = reason;
    return null;
  }

  /**
   * The answer starts at its first visible character, as MGM's worker strips its output: a
   * tokenizer that spells words with their leading space (" circle") would otherwise begin every
   * answer with a blank, in the chat, the OpenAI API and the scores.
   */
  private emit(s: string): void {
    if (!this.answerStarted) {
      s = s.trimStart();
      this.answerStarted = s.length > 0;
    }
    if (s.length === 0) return;
    this.text += s;
    this.parts.stream.push(s);
  }
}
