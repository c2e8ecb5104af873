import { describe, expect, it } from 'vitest';
import { isRetryable, jobOutcome, jobSpeed } from './job-outcome.ts';

describe('jobOutcome', () => {
  it('shows a stopped job as stopped, not completed', () => {
    expect(jobOutcome({ state: 'completed', finishReason: 'abort', errorCode: null })).toBe('stopped');
    expect(jobOutcome({ state: 'completed', finishReason: 'stop', errorCode: null })).toBe('completed');
  });

  it('tells a rejected request (bad input) from a worker failure; only a failure is retried', () => {
    const tooLong = { state: 'failed' as const, finishReason: null, errorCode: 'PROMPT_TOO_LONG' as const };
    const crashed = { state: 'failed' as const, finishReason: null, errorCode: 'WORKER_FAILED' as const };
    expect(jobOutcome(tooLong)).toBe('rejected');
    expect(isRetryable(tooLong)).toBe(false);
    expect(jobOutcome(crashed)).toBe('failed');
    expect(isRetryable(crashed)).toBe(true);
  });

  it('gives no speed for a handful of tokens', () => {
    expect(jobSpeed({ tokensPerSecond: 1054, generatedTokens: 2 })).toBeNull();
    expect(jobSpeed({ tokensPerSecond: 80, generatedTokens: 30 })).toBe(80);
  });
});
