import { describe, expect, it } from 'vitest';
import { answerFigures, MIN_TOKENS_FOR_SPEED } from './answer-figures.ts';
import { applyFrame, initialJobState, type JobState } from './job-state.ts';

const fresh = (): JobState => initialJobState({ jobId: 'j', requestId: 'r', model: 'm' }, 1000);
const timings = { queue: 5, preprocess: 1, vision: 2, prefill: 3, ttft: 190, decode: 50, total: 240 };
const end = (seq: number, generated: number, finishReason: 'stop' | 'abort' = 'stop', prompt = 50) =>
  ({ jobId: 'j', requestId: 'r', model: 'm', seq, type: 'end', finishReason, tokens: { prompt, visual: 36, generated }, timingsMs: timings, tokensPerSecond: 1054, text: 'x' }) as const;

describe('answerFigures', () => {
  it('shows no speed for a short answer (2 tokens: noise), the worker\'s speed for a long one', () => {
    let job = applyFrame(fresh(), { jobId: 'j', requestId: 'r', model: 'm', seq: 0, type: 'start', workerId: 'w1', queueMs: 3 }, 1010);
    const short = applyFrame(job, end(1, 2), 1300);
    expect(answerFigures(short, 2000)).toMatchObject({ live: false, ttftMs: 190, tokens: 2, tokensPerSecond: null });
    job = applyFrame(job, end(1, MIN_TOKENS_FOR_SPEED), 1300);
    expect(answerFigures(job, 2000)).toMatchObject({ tokens: MIN_TOKENS_FOR_SPEED, tokensPerSecond: 1054 });
  });

  it('says "stopped before it started" for a job stopped in the queue, with no TTFT or speed', () => {
    const stopped = applyFrame(fresh(), { ...end(0, 0, 'abort', 0), tokensPerSecond: 0, timingsMs: { ...timings, ttft: 0 } }, 1500);
    expect(answerFigures(stopped, 2000)).toEqual({ live: false, stoppedBeforeStart: true, ttftMs: null, tokens: null, tokensPerSecond: null });
  });

  it('counts live while streaming: TTFT from the worker\'s start to the first text, tokens, then the rate', () => {
    let job = applyFrame(fresh(), { jobId: 'j', requestId: 'r', model: 'm', seq: 0, type: 'start', workerId: 'w1', queueMs: 3 }, 1100);
    expect(answerFigures(job, 1150)).toMatchObject({ live: true, ttftMs: null, tokens: null, tokensPerSecond: null });
    for (let index = 0; index < 4; index += 1) job = applyFrame(job, { jobId: 'j', requestId: 'r', model: 'm', seq: index + 1, type: 'delta', text: 'a' }, 1300 + index * 10);
    expect(answerFigures(job, 1400)).toMatchObject({ live: true, ttftMs: 200, tokens: 4, tokensPerSecond: null });
    for (let index = 4; index < 11; index += 1) job = applyFrame(job, { jobId: 'j', requestId: 'r', model: 'm', seq: index + 1, type: 'delta', text: 'a' }, 1300 + index * 10);
    // 11 tokens, the 10 after the first in 500 ms.
    expect(answerFigures(job, 1800)).toMatchObject({ live: true, ttftMs: 200, tokens: 11, tokensPerSecond: 20 });
  });
});
