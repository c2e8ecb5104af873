import { describe, expect, it } from 'vitest';
import { arenaAskSchema, arenaFrameSchema, arenaVoteSchema } from './arena.ts';
import { leaderboardResponseSchema } from './leaderboard.ts';
import { compareVoteInputSchema } from './vote.ts';

describe('compareVoteInputSchema', () => {
  it('takes 2–4 distinct jobs and a verdict on one of them', () => {
    expect(compareVoteInputSchema.parse({ jobIds: ['j1', 'j2', 'j3'], choice: { type: 'pane', pane: 2 } })).toEqual({
      jobIds: ['j1', 'j2', 'j3'],
      choice: { type: 'pane', pane: 2 },
      turns: 1,
    });
    expect(compareVoteInputSchema.parse({ jobIds: ['j1', 'j2'], choice: { type: 'all-bad' }, turns: 3 }).turns).toBe(3);
  });

  it('refuses a pane that does not exist, a repeated job, or one answer alone', () => {
    expect(compareVoteInputSchema.safeParse({ jobIds: ['j1', 'j2'], choice: { type: 'pane', pane: 2 } }).error?.issues[0]?.message).toBe(
      'the chosen pane does not exist',
    );
    expect(compareVoteInputSchema.safeParse({ jobIds: ['j1', 'j1'], choice: { type: 'tie' } }).success).toBe(false);
    expect(compareVoteInputSchema.safeParse({ jobIds: ['j1'], choice: { type: 'tie' } }).success).toBe(false);
    expect(compareVoteInputSchema.safeParse({ jobIds: ['j1', 'j2'], choice: { type: 'best' } }).success).toBe(false);
  });
});

describe('arena schemas', () => {
  it('refuses an empty question and fills MGM defaults', () => {
    expect(arenaAskSchema.safeParse({ question: '  ' }).error?.issues[0]?.message).toBe('the question is empty');
    expect(arenaAskSchema.parse({ question: 'q' })).toMatchObject({ params: { temperature: 0.2, topP: 0.7, maxNewTokens: 512 }, imageMode: 'default' });
  });

  it("takes FastChat's four verdicts only", () => {
    for (const verdict of ['a', 'b', 'tie', 'both-bad']) expect(arenaVoteSchema.safeParse({ battleId: 'battle-01', verdict }).success).toBe(true);
    expect(arenaVoteSchema.safeParse({ battleId: 'battle-01', verdict: 'left' }).success).toBe(false);
  });

  it('has no field for a model, a worker or timings in an anonymous frame', () => {
    const frame = arenaFrameSchema.parse({
      battleId: 'battle-01',
      turn: 0,
      attempt: 0,
      side: 'a',
      seq: 3,
      type: 'end',
      finishReason: 'stop',
      text: '170',
      model: 'mgm-tiny',
      workerId: 'w1',
      timingsMs: {},
    });
    expect(Object.keys(frame).sort()).toEqual(['attempt', 'battleId', 'finishReason', 'seq', 'side', 'text', 'turn', 'type']);
  });
});

describe('leaderboardResponseSchema', () => {
  it('accepts an empty leaderboard', () => {
    expect(
      leaderboardResponseSchema.safeParse({
        generatedAt: 1,
        method: { model: 'bradley-terry', base: 1000, scale: 400, bootstrapRounds: 200, seed: 42, regularized: false },
        votes: { total: 0, counted: 0, notCounted: [], named: 0, lastRecordedAt: null },
        models: [],
        pairs: [],
      }).success,
    ).toBe(true);
  });
});
