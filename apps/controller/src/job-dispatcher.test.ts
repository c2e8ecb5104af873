import { describe, expect, it } from 'vitest';
import { failureFrame } from './job-dispatcher.ts';

describe('failureFrame', () => {
  it('explains a job given up on by stalled-job detection', () => {
    expect(failureFrame('job stalled more than allowable limit')).toMatchObject({ type: 'error', code: 'WORKER_FAILED', message: expect.stringContaining('crashed') });
  });

  it('keeps the code a worker put in front of its failure', () => {
    expect(failureFrame('PROMPT_TOO_LONG: the conversation is too long')).toEqual({ type: 'error', code: 'PROMPT_TOO_LONG', message: 'the conversation is too long' });
  });

  it('falls back to WORKER_FAILED for anything else', () => {
    expect(failureFrame('NOT_A_CODE: x')).toMatchObject({ code: 'WORKER_FAILED' });
    expect(failureFrame('boom')).toEqual({ type: 'error', code: 'WORKER_FAILED', message: 'the worker failed: boom' });
  });
});
