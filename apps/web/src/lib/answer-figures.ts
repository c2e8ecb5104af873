import type { JobState } from './job-state.ts';

/**
 * Fewer generated tokens than this and tokens/s is noise (a 2-token answer read 35 to 1 054
 * tok/s on the same model): no speed is shown.
 */
export const MIN_TOKENS_FOR_SPEED = 8;

export interface AnswerFigures {
  /** True while streaming: the figures are the browser's own count, replaced by the worker's at the end. */
  live: boolean;
  /** Stopped while still queued: no worker ever ran it, so it has no TTFT, tokens or speed. */
  stoppedBeforeStart: boolean;
  ttftMs: number | null;
  tokens: number | null;
  /** Null below MIN_TOKENS_FOR_SPEED tokens. */
  tokensPerSecond: number | null;
}

/** Whether a speed over this many tokens means something. */
export function speedIsMeaningful(tokens: number | null | undefined): boolean {
  return tokens !== null && tokens !== undefined && tokens >= MIN_TOKENS_FOR_SPEED;
}

/** A job stopped before any worker started it (the controller's abort frame has no prompt tokens). */
export function stoppedBeforeStart(job: JobState): boolean {
  return job.status === 'stopped' && job.deltaCount === 0 && (job.workerId === null || job.tokens?.prompt === 0);
}

/**
 * The TTFT, token count and speed to show for an answer: while it streams, measured in the
 * browser (time from the worker's start to the first text, text frames received, their rate);
 * once it ended, the worker's figures. Speed only from MIN_TOKENS_FOR_SPEED tokens on.
 */
export function answerFigures(job: JobState, now: number): AnswerFigures {
  if (stoppedBeforeStart(job)) return { live: false, stoppedBeforeStart: true, ttftMs: null, tokens: null, tokensPerSecond: null };
  if (job.status === 'queued' || job.status === 'streaming') {
    const tokens = job.deltaCount;
    const ttftMs = job.firstDeltaAt !== null && job.workerStartedAt !== null ? job.firstDeltaAt - job.workerStartedAt : null;
    const decodeMs = job.firstDeltaAt !== null ? now - job.firstDeltaAt : 0;
    // The first token came with the TTFT: the rate is over the ones after it.
    const tokensPerSecond = speedIsMeaningful(tokens) && decodeMs > 0 ? ((tokens - 1) * 1000) / decodeMs : null;
    return { live: true, stoppedBeforeStart: false, ttftMs, tokens: job.firstDeltaAt === null ? null : tokens, tokensPerSecond };
  }
  const generated = job.tokens?.generated ?? null;
  return {
    live: false,
    stoppedBeforeStart: false,
    ttftMs: job.timingsMs && generated !== 0 ? job.timingsMs.ttft : null,
    tokens: generated,
    tokensPerSecond: job.tokensPerSecond !== null && speedIsMeaningful(generated) ? job.tokensPerSecond : null,
  };
}
