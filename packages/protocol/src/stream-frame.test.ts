import { describe, expect, it } from 'vitest';
import { isTerminalFrame, streamFrameSchema } from './stream-frame.ts';

describe('streamFrameSchema', () => {
  it('parses each frame type and knows the terminal ones', () => {
    const start = streamFrameSchema.parse({ jobId: 'j', seq: 0, type: 'start', workerId: 'w1', queueMs: 3 });
    const delta = streamFrameSchema.parse({ jobId: 'j', seq: 1, type: 'delta', text: 'a' });
    const error = streamFrameSchema.parse({ jobId: 'j', seq: 2, type: 'error', code: 'WORKER_FAILED', message: 'x' });
    expect([start, delta, error].map(isTerminalFrame)).toEqual([false, false, true]);
  });

  it('rejects an unknown error code or a missing field', () => {
    expect(streamFrameSchema.safeParse({ jobId: 'j', seq: 2, type: 'error', code: 'NOPE', message: 'x' }).success).toBe(false);
    expect(streamFrameSchema.safeParse({ jobId: 'j', seq: 1, type: 'delta' }).success).toBe(false);
  });
});
