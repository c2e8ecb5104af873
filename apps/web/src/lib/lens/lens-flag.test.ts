import type { ClientFrame } from '@mgm/protocol';
import { describe, expect, it } from 'vitest';
import { applyFrame, initialJobState } from '../job-state.ts';

const ids = { jobId: 'j1', requestId: 'r1', model: 'mgm-tiny' };
const end = (extra: Record<string, unknown>): ClientFrame =>
  ({
    ...ids,
    seq: 0,
    type: 'end',
    finishReason: 'stop',
    tokens: { prompt: 1, visual: 36, generated: 2 },
    timingsMs: { queue: 0, preprocess: 1, vision: 1, prefill: 1, ttft: 3, decode: 1, total: 4 },
    tokensPerSecond: 10,
    text: '641',
    ...extra,
  }) as ClientFrame;

describe('the lens flag of a job', () => {
  it('is set by an end frame that announces a stored lens, and only then', () => {
    expect(applyFrame(initialJobState(ids, 0), end({ lens: true }), 1).lens).toBe(true);
    expect(applyFrame(initialJobState(ids, 0), end({}), 1).lens).toBe(false);
  });
});
