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

describe('end frame with a generated image', () => {
  const base = {
    jobId: 'j1',
    seq: 3,
    type: 'end' as const,
    finishReason: 'stop' as const,
    tokens: { prompt: 10, visual: 36, generated: 5 },
    timingsMs: { queue: 0, preprocess: 1, vision: 1, prefill: 1, ttft: 2, decode: 3, total: 5 },
    tokensPerSecond: 10,
    text: 'Sure, here it is. <h>a red circle at the top left</h>',
  };
  it('carries the prompt and the picture, or says why there is none', () => {
    const ok = streamFrameSchema.parse({
      ...base,
      ocrText: '641',
      image: { status: 'ok', prompt: 'a red circle at the top left', pngBase64: 'iVBORw0KGgo=', width: 8, height: 8, backend: 'scene-renderer', note: 'n' },
    });
    expect(ok.type === 'end' && ok.image?.status).toBe('ok');
    const none = streamFrameSchema.parse({ ...base, image: { status: 'no-prompt', prompt: null, message: 'no <h>' } });
    expect(none.type === 'end' && none.image?.prompt).toBeNull();
    expect(streamFrameSchema.safeParse({ ...base, image: { status: 'drawn', prompt: 'x' } }).success).toBe(false);
    expect(streamFrameSchema.parse(base)).not.toHaveProperty('image');
  });
});
