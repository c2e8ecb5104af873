import { describe, expect, it } from 'vitest';
import { defaultSamplingParams } from '@mgm/protocol';
import { samplePane } from '../../test/sample-votes.ts';
import { anonymousFrame, withoutNames } from './arena-gateway.ts';
import { NOT_COUNTED_IDENTITY, NOT_COUNTED_STOPPED, notCountedReason } from './arena-service.ts';
import type { ArenaBattle } from './battle-store.ts';

const battle: ArenaBattle = {
  battleId: 'battle-0001',
  models: ['mgm-tiny-hd', 'llava-tiny'],
  displayNames: ['MGM-Tiny-HD', 'LLaVA-Tiny'],
  imageId: null,
  imageMode: 'default',
  params: defaultSamplingParams,
  turns: [],
  createdAt: 0,
  voteId: null,
};
const target = { battle, turn: 1, attempt: 2, side: 'b' as const };

describe('anonymousFrame', () => {
  it('keeps only the text and the finish of an answer', () => {
    const start = anonymousFrame({ type: 'start', jobId: 'j', seq: 0, workerId: 'llava-tiny-x1', queueMs: 3 }, target);
    expect(start).toEqual({ battleId: 'battle-0001', turn: 1, attempt: 2, side: 'b', seq: 0, type: 'start' });
    const end = anonymousFrame(
      {
        type: 'end',
        jobId: 'j',
        seq: 5,
        finishReason: 'stop',
        text: '170',
        tokens: { prompt: 40, visual: 180, generated: 2 },
        timingsMs: { queue: 1, preprocess: 1, vision: 1, prefill: 1, ttft: 1, decode: 1, total: 1 },
        tokensPerSecond: 50,
      },
      target,
    );
    expect(end).toEqual({ battleId: 'battle-0001', turn: 1, attempt: 2, side: 'b', seq: 5, type: 'end', finishReason: 'stop', text: '170' });
  });

  it('takes the model names out of an error message', () => {
    const frame = anonymousFrame(
      { type: 'error', jobId: 'j', seq: 1, code: 'WORKER_FAILED', message: 'worker mgm-tiny-hd-abc of MGM-TINY-HD failed; llava-tiny is fine' },
      target,
    );
    expect(frame).toMatchObject({ type: 'error', code: 'WORKER_FAILED', message: 'worker Model A-abc of Model A failed; Model B is fine' });
  });
});

describe('withoutNames', () => {
  it('replaces the longest name first', () => {
    expect(withoutNames('mgm-tiny-hd and mgm-tiny', { ...battle, models: ['mgm-tiny', 'mgm-tiny-hd'], displayNames: ['', ''] })).toBe(
      'Model B and Model A',
    );
  });
});

describe('notCountedReason', () => {
  const answer = (text: string, finishReason: 'stop' | 'abort' = 'stop') => {
    const { label: _label, ...rest } = samplePane('A', 'mgm-tiny-hd', text);
    return { ...rest, finishReason };
  };

  it('counts two finished anonymous answers', () => {
    expect(notCountedReason(battle, [answer('170'), answer('17')])).toBeNull();
  });

  it('does not count a vote on a stopped answer', () => {
    expect(notCountedReason(battle, [answer('17', 'abort'), answer('170')])).toBe(NOT_COUNTED_STOPPED);
  });

  it('does not count a vote when an answer names a model, in any turn', () => {
    expect(notCountedReason(battle, [answer('I am LLaVA-Tiny.'), answer('170')])).toBe(NOT_COUNTED_IDENTITY);
    const earlier = { ...answer('170'), messages: [{ role: 'user' as const, content: 'who?' }, { role: 'assistant' as const, content: 'mgm-tiny-hd here' }, { role: 'user' as const, content: 'text?' }] };
    expect(notCountedReason(battle, [earlier, answer('170')])).toBe(NOT_COUNTED_IDENTITY);
  });
});
