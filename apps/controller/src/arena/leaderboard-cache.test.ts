import { afterEach, describe, expect, it } from 'vitest';
import type { VoteChoice, VoteRecord } from '@mgm/protocol';
import { silentLogger } from '@mgm/worker/testing';
import { samplePane, sampleVote } from '../../test/sample-votes.ts';
import { seededRandom } from '@mgm/protocol';
import { computeLeaderboard, leaderboardOfSummary, type LeaderboardOptions, type VoteSummary } from './leaderboard.ts';
import { LeaderboardCache } from './leaderboard-cache.ts';
import { createLeaderboardThread, type LeaderboardThread } from './leaderboard-thread.ts';

/** Seeded votes among 6 models: counted blind votes, some not counted, some named (compare page). */
function votes(n: number, seed: number, from = 0): VoteRecord[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, k) => {
    const t = from + k;
    const i = Math.floor(random() * 6);
    const j = (i + 1 + Math.floor(random() * 5)) % 6;
    const r = random();
    const choice: VoteChoice = r < 0.15 ? { type: 'tie' } : r < 0.2 ? { type: 'all-bad' } : { type: 'pane', pane: random() < (i + 1) / (i + j + 2) ? 0 : 1 };
    const kind = random();
    const overrides: Partial<VoteRecord> =
      kind < 0.05 ? { counted: false, notCountedReason: 'an answer was stopped before it finished' } : kind < 0.1 ? { mode: 'compare', blind: false, battleId: null } : {};
    return { ...sampleVote({ panes: [samplePane('A', `m${i}`, 'x'), samplePane('B', `m${j}`, 'y')], choice, ...overrides }), id: `v${t}`, recordedAt: 10_000 + t };
  });
}

const options: LeaderboardOptions = { bootstrapRounds: 50, seed: 42, now: 1234 };
const threads: LeaderboardThread[] = [];
afterEach(async () => {
  await Promise.all(threads.splice(0).map((t) => t.close()));
});

/** A vote log that grows as the test appends, as VoteStore.list returns it. */
function voteLog(initial: VoteRecord[]) {
  const records = [...initial];
  return { records, list: async () => records };
}

describe('LeaderboardCache', () => {
  it('gives, from its thread, the very leaderboard computeLeaderboard gives for the same votes', async () => {
    const thread = createLeaderboardThread(options, silentLogger);
    threads.push(thread);
    const log = voteLog(votes(400, 1));
    const cache = new LeaderboardCache({ votes: log, compute: (summary) => thread.compute(summary), refreshMs: 0, logger: silentLogger });
    const first = await cache.current();
    expect(first.votes.total).toBe(400);
    expect(first.models.length).toBe(6);
    expect(first).toEqual(computeLeaderboard(log.records, options));
    // Votes summarised as they come give the same board as all of them read at once.
    log.records.push(...votes(150, 2, 400));
    expect(await cache.current()).toEqual(computeLeaderboard(log.records, options));
  });

  it('does not recompute for every vote: one computation per refresh interval, the board it has meanwhile', async () => {
    let clock = 0;
    const computed: VoteSummary[] = [];
    const compute = async (summary: VoteSummary) => {
      computed.push(summary);
      return leaderboardOfSummary(summary, options);
    };
    const log = voteLog(votes(100, 3));
    const cache = new LeaderboardCache({ votes: log, compute, refreshMs: 5000, logger: silentLogger, now: () => clock });
    expect((await cache.current()).votes.total).toBe(100);
    expect(computed).toHaveLength(1);

    // Twenty votes within the interval, the board asked for after each: answered at once with the
    // board of the first 100 votes; nothing is computed.
    for (let k = 0; k < 20; k++) {
      log.records.push(...votes(1, 100 + k, 100 + k));
      clock += 100;
      expect((await cache.current()).votes.total).toBe(100);
    }
    expect(computed).toHaveLength(1);

    // Once the interval is over, the next request computes the 120 votes, once.
    clock += 5000;
    const fresh = await cache.current();
    expect(fresh.votes.total).toBe(120);
    expect(computed).toHaveLength(2);
    expect(fresh).toEqual(computeLeaderboard(log.records, options));
    expect((await cache.current()).votes.total).toBe(120);
    expect(computed).toHaveLength(2);
    cache.close();
  });

  it('starts over when the vote file was replaced, and reports a computation that fails', async () => {
    const log = { records: votes(30, 4), list: async () => log.records };
    let fail = false;
    const cache = new LeaderboardCache({
      votes: log,
      compute: async (summary) => {
        if (fail) throw new Error('thread gone');
        return leaderboardOfSummary(summary, options);
      },
      refreshMs: 0,
      logger: silentLogger,
    });
    expect((await cache.current()).votes.total).toBe(30);
    log.records = votes(12, 5);
    expect(await cache.current()).toEqual(computeLeaderboard(log.records, options));
    // A failed computation leaves the last board in place.
    fail = true;
    log.records = [...log.records, ...votes(1, 6, 12)];
    expect((await cache.current()).votes.total).toBe(12);
    const empty = new LeaderboardCache({ votes: log, compute: async () => Promise.reject(new Error('thread gone')), refreshMs: 0, logger: silentLogger });
    await expect(empty.current()).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
