import type { ClientFrame } from '@mgm/protocol';
import { describe, expect, it } from 'vitest';
import { applyFrame, initialJobState, type JobState } from './job-state.ts';

const ids = { jobId: 'j1', requestId: 'r1', model: 'mgm-tiny' };
const start = (seq = 0): ClientFrame => ({ ...ids, seq, type: 'start', workerId: 'w1', queueMs: 4 });
const delta = (seq: number, text: string): ClientFrame => ({ ...ids, seq, type: 'delta', text });
const end = (seq: number, text: string, finishReason: 'stop' | 'length' | 'abort' = 'stop'): ClientFrame => ({
  ...ids,
  seq,
  type: 'end',
  finishReason,
  text,
  tokens: { prompt: 50, visual: 36, generated: 2 },
  timingsMs: { queue: 4, preprocess: 1, vision: 2, prefill: 3, ttft: 10, decode: 20, total: 30 },
  tokensPerSecond: 100,
});

function fold(frames: ClientFrame[], job: JobState = initialJobState(ids, 0)): JobState {
  return frames.reduce((state, frame) => applyFrame(state, frame, 1), job);
}

describe('applyFrame', () => {
  it('streams start, deltas and end into a finished answer with its metrics', () => {
    const job = fold([start(), delta(1, 'tri'), delta(2, 'angle'), end(3, 'triangle')]);
    expect(job).toMatchObject({ status: 'done', text: 'triangle', lastSeq: 3, workerId: 'w1', finishReason: 'stop', tokensPerSecond: 100 });
    expect(job.timingsMs?.ttft).toBe(10);
  });

  it('ignores frames it already applied, so an overlapping resume does not double the text', () => {
    const job = fold([start(), delta(1, 'tri'), delta(1, 'tri'), start(0), delta(2, 'angle')]);
    expect(job.text).toBe('triangle');
    expect(job.lastSeq).toBe(2);
  });

  it('holds a frame that comes ahead of a gap until the gap is filled', () => {
    const waiting = fold([start(), delta(2, 'angle')]);
    expect(waiting.text).toBe('');
    expect(waiting.lastSeq).toBe(0);
    const filled = applyFrame(waiting, delta(1, 'tri'), 1);
    expect(filled.text).toBe('triangle');
    expect(filled.lastSeq).toBe(2);
    expect(filled.ahead).toEqual([]);
  });

  it('ignores everything after a terminal frame', () => {
    const job = fold([start(), delta(1, 'a'), end(2, 'a'), delta(3, 'b')]);
    expect(job.text).toBe('a');
    expect(job.lastSeq).toBe(2);
  });

  it('shows an error frame with its code and message', () => {
    const job = fold([start(), { ...ids, seq: 1, type: 'error', code: 'WORKER_FAILED', message: 'worker w1 died' }]);
    expect(job.status).toBe('error');
    expect(job.error).toEqual({ code: 'WORKER_FAILED', message: 'worker w1 died' });
  });

  it('treats a cancelled job and an abort end as stopped, not as errors', () => {
    expect(fold([start(), { ...ids, seq: 1, type: 'error', code: 'CANCELLED', message: 'stopped' }])).toMatchObject({ status: 'stopped', error: null });
    expect(fold([start(), delta(1, 'a'), end(2, 'a', 'abort')])).toMatchObject({ status: 'stopped', text: 'a' });
  });
});

describe('MGM functions in the end frame', () => {
  it('keeps the generated image and the OCR text of the end frame', () => {
    const image = { status: 'ok' as const, prompt: 'a red circle at the top', pngBase64: 'iVBORw0KGgo=', width: 8, height: 8, backend: 'scene-renderer', note: 'n' };
    const job = fold([start(), { ...(end(1, 'Sure, here it is. <h>a red circle at the top</h>') as ClientFrame & { type: 'end' }), image, ocrText: '641' }]);
    expect(job.generatedImage).toEqual(image);
    expect(job.ocrText).toBe('641');
  });
  it('has none when the frame carries none', () => {
    const job = fold([start(), end(1, 'triangle')]);
    expect(job.generatedImage).toBeNull();
    expect(job.ocrText).toBeNull();
  });
});
