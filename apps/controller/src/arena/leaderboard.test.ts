import { describe, expect, it } from 'vitest';
import type { VoteChoice, VoteRecord } from '@mgm/protocol';
import { samplePane, sampleVote } from '../../test/sample-votes.ts';
import { battleOfVote, computeLeaderboard } from './leaderboard.ts';

let n = 0;
function vote(a: string, b: string, choice: VoteChoice, overrides: Partial<VoteRecord> = {}): VoteRecord {
  n += 1;
  return {
    ...sampleVote({ panes: [samplePane('A', a, 'x'), samplePane('B', b, 'y')], choice }),
    id: `v${n}`,
    recordedAt: 1_000 + n,
    ...overrides,
  };
}
const A = { type: 'pane', pane: 0 } as const;
const B = { type: 'pane', pane: 1 } as const;
const TIE = { type: 'tie' } as const;
const BAD = { type: 'all-bad' } as const;

describe('battleOfVote', () => {
  it('maps the four arena verdicts to pairwise outcomes', () => {
    expect(battleOfVote(vote('p', 'q', A))).toEqual({ a: 'p', b: 'q', outcome: 'a' });
    expect(battleOfVote(vote('p', 'q', B))).toEqual({ a: 'p', b: 'q', outcome: 'b' });
    expect(battleOfVote(vote('p', 'q', TIE))).toEqual({ a: 'p', b: 'q', outcome: 'tie' });
    expect(battleOfVote(vote('p', 'q', BAD))).toEqual({ a: 'p', b: 'q', outcome: 'both-bad' });
  });

  it('ignores named, uncounted and self votes', () => {
    expect(battleOfVote(vote('p', 'q', A, { mode: 'compare', blind: false }))).toBeNull();
    expect(battleOfVote(vote('p', 'q', A, { counted: false, notCountedReason: 'stopped' }))).toBeNull();
    expect(battleOfVote(vote('p', 'p', A))).toBeNull();
  });
});

describe('computeLeaderboard', () => {
  // The three-model example of bradley-terry.test.ts, as recorded votes: alpha 1120.412,
  // beta 1000, gamma 879.588.
  const votes = [
    vote('alpha', 'beta', A),
    vote('beta', 'alpha', TIE),
    vote('alpha', 'beta', TIE),
    vote('beta', 'gamma', A),
    vote('beta', 'gamma', A),
    vote('gamma', 'beta', A),
    vote('gamma', 'alpha', B),
    vote('gamma', 'alpha', B),
    vote('gamma', 'alpha', B),
    vote('alpha', 'gamma', BAD),
    vote('gamma', 'alpha', BAD),
    vote('alpha', 'gamma', A, { counted: false, notCountedReason: 'an answer was stopped before it finished' }),
    vote('alpha', 'gamma', B, { counted: false, notCountedReason: 'an answer was stopped before it finished' }),
    vote('gamma', 'beta', { type: 'pane', pane: 0 }, { mode: 'compare', blind: false, battleId: null, counted: false, notCountedReason: 'the names were shown' }),
  ];
  const board = computeLeaderboard(votes, { bootstrapRounds: 200, seed: 42, now: 5 });

  it('rates the counted blind votes with Bradley–Terry on the Elo scale', () => {
    expect(board.models.map((m) => m.model)).toEqual(['alpha', 'beta', 'gamma']);
    expect(board.models[0]!.rating).toBeCloseTo(1120.412, 3);
    expect(board.models[1]!.rating).toBeCloseTo(1000, 3);
    expect(board.models[2]!.rating).toBeCloseTo(879.588, 3);
    for (const entry of board.models) {
      expect(entry.ciLow).toBeLessThanOrEqual(entry.rating);
      expect(entry.ciHigh).toBeGreaterThanOrEqual(entry.rating);
    }
    expect(board.method).toEqual({ model: 'bradley-terry', base: 1000, scale: 400, bootstrapRounds: 200, seed: 42, regularized: false });
  });

  it('keeps each model record, win rate and both-bad rate', () => {
    const alpha = board.models.find((m) => m.model === 'alpha')!;
    // alpha: 1 win + 2 ties against beta; 3 wins + 2 both-bad against gamma.
    expect(alpha).toMatchObject({ battles: 8, wins: 4, losses: 0, ties: 4, bothBad: 2, winRate: 0.5, bothBadRate: 0.25 });
    const gamma = board.models.find((m) => m.model === 'gamma')!;
    expect(gamma).toMatchObject({ battles: 8, wins: 1, losses: 5, ties: 2, bothBad: 2 });
    expect(board.pairs).toEqual([
      { a: 'alpha', b: 'beta', battles: 3, aWins: 1, bWins: 0, ties: 2, bothBad: 0 },
      { a: 'alpha', b: 'gamma', battles: 5, aWins: 3, bWins: 0, ties: 2, bothBad: 2 },
      { a: 'beta', b: 'gamma', battles: 3, aWins: 2, bWins: 1, ties: 0, bothBad: 0 },
    ]);
  });

  it('counts what it left out', () => {
    expect(board.votes).toEqual({
      total: 14,
      counted: 11,
      notCounted: [{ reason: 'an answer was stopped before it finished', count: 2 }],
      named: 1,
      lastRecordedAt: votes.at(-1)!.recordedAt,
    });
    expect(board.generatedAt).toBe(5);
  });

  it('ranks a model below only those whose interval lies wholly above its own', () => {
    for (const entry of board.models) {
      const above = board.models.filter((other) => other.ciLow > entry.ciHigh).length;
      expect(entry.rank).toBe(1 + above);
    }
    expect(board.models[0]!.rank).toBe(1);
  });

  it('is empty without votes', () => {
    const empty = computeLeaderboard([], { bootstrapRounds: 200, seed: 42, now: 1 });
    expect(empty.models).toEqual([]);
    expect(empty.votes).toMatchObject({ total: 0, counted: 0, named: 0, lastRecordedAt: null });
  });
});
