import type { LeaderboardEntry, LeaderboardPair, LeaderboardResponse, VoteRecord } from '@mgm/protocol';
import { bootstrapBradleyTerry, ELO_SCALE, fitBradleyTerry, type PairBattle, type PairOutcome } from './bradley-terry.ts';

export interface LeaderboardOptions {
  bootstrapRounds: number;
  seed: number;
  now?: number;
}

export const DEFAULT_LEADERBOARD_OPTIONS: LeaderboardOptions = { bootstrapRounds: 200, seed: 42 };

/** The pairwise battle a counted blind vote is (its first pane is side A); null for any other vote. */
export function battleOfVote(vote: VoteRecord): PairBattle | null {
  if (vote.mode !== 'arena' || !vote.blind || !vote.counted || vote.panes.length !== 2) return null;
  const [a, b] = vote.panes;
  if (!a || !b || a.model === b.model) return null;
  const outcome: PairOutcome =
    vote.choice.type === 'pane' ? (vote.choice.pane === 0 ? 'a' : 'b') : vote.choice.type === 'tie' ? 'tie' : 'both-bad';
  return { a: a.model, b: b.model, outcome };
}

/** What a leaderboard is computed from: the counted battles and the counts of the other votes. */
export interface VoteSummary {
  /** The counted blind votes, in the order they were recorded. */
  battles: PairBattle[];
  /** Blind votes not counted, by reason, in the order each reason first appeared. */
  notCounted: Map<string, number>;
  /** Votes with the names shown (compare page). */
  named: number;
  total: number;
  lastRecordedAt: number | null;
}

export function emptyVoteSummary(): VoteSummary {
  return { battles: [], notCounted: new Map(), named: 0, total: 0, lastRecordedAt: null };
}

/** Adds one recorded vote to a summary (votes in file order give `summarizeVotes`'s summary). */
export function addVote(summary: VoteSummary, vote: VoteRecord): void {
  summary.total += 1;
  summary.lastRecordedAt = Math.max(summary.lastRecordedAt ?? 0, vote.recordedAt);
  if (vote.mode === 'compare' || !vote.blind) {
    summary.named += 1;
    return;
  }
  const battle = battleOfVote(vote);
  if (battle) summary.battles.push(battle);
  else {
    const reason = vote.notCountedReason ?? 'not a two-model blind vote';
    summary.notCounted.set(reason, (summary.notCounted.get(reason) ?? 0) + 1);
  }
}

export function summarizeVotes(votes: readonly VoteRecord[]): VoteSummary {
  const summary = emptyVoteSummary();
  for (const vote of votes) addVote(summary, vote);
  return summary;
}

/**
 * The leaderboard of the recorded votes: Bradley–Terry ratings of the counted blind (arena)
 * votes with 95 % bootstrap intervals, each model's record, and the head-to-head table.
 * Comparison votes (names shown) are counted apart and not rated, as FastChat rates anonymous
 * battles only.
 */
export function computeLeaderboard(votes: readonly VoteRecord[], options: LeaderboardOptions = DEFAULT_LEADERBOARD_OPTIONS): LeaderboardResponse {
  return leaderboardOfSummary(summarizeVotes(votes), options);
}

/** The leaderboard of summarised votes (the costly part: one fit per bootstrap round). */
export function leaderboardOfSummary(summary: VoteSummary, options: LeaderboardOptions = DEFAULT_LEADERBOARD_OPTIONS): LeaderboardResponse {
  const { battles, notCounted, named } = summary;
  const fit = fitBradleyTerry(battles, ELO_SCALE);
  const intervals = bootstrapBradleyTerry(battles, { rounds: options.bootstrapRounds, seed: options.seed, scale: ELO_SCALE });
  const records = tally(battles);

  const entries: Array<Omit<LeaderboardEntry, 'rank'>> = [...fit.ratings].map(([model, rating]) => {
    const record = records.get(model)!;
    const interval = intervals.get(model);
    return {
      model,
      rating,
      ciLow: interval?.low ?? rating,
      ciHigh: interval?.high ?? rating,
      ...record,
      winRate: record.battles > 0 ? record.wins / record.battles : 0,
      bothBadRate: record.battles > 0 ? record.bothBad / record.battles : 0,
    };
  });
  entries.sort((x, y) => y.rating - x.rating || x.model.localeCompare(y.model));
  const models: LeaderboardEntry[] = entries.map((entry) => ({
    ...entry,
    rank: 1 + entries.filter((other) => other.ciLow > entry.ciHigh).length,
  }));

  return {
    generatedAt: options.now ?? Date.now(),
    method: {
      model: 'bradley-terry',
      base: ELO_SCALE.base,
      scale: ELO_SCALE.scale,
      bootstrapRounds: options.bootstrapRounds,
      seed: options.seed,
      regularized: fit.regularized,
    },
    votes: {
      total: summary.total,
      counted: battles.length,
      notCounted: [...notCounted].map(([reason, count]) => ({ reason, count })),
      named,
      lastRecordedAt: summary.lastRecordedAt,
    },
    models,
    pairs: headToHead(battles),
  };
}

interface ModelRecord {
  battles: number;
  wins: number;
  losses: number;
  ties: number;
  bothBad: number;
}

function tally(battles: readonly PairBattle[]): Map<string, ModelRecord> {
  const records = new Map<string, ModelRecord>();
  const of = (model: string) => {
    let record = records.get(model);
    if (!record) {
      record = { battles: 0, wins: 0, losses: 0, ties: 0, bothBad: 0 };
      records.set(model, record);
    }
    return record;
  };
  for (const { a, b, outcome } of battles) {
    const [ra, rb] = [of(a), of(b)];
    ra.battles += 1;
    rb.battles += 1;
    if (outcome === 'a') {
      ra.wins += 1;
      rb.losses += 1;
    } else if (outcome === 'b') {
      rb.wins += 1;
      ra.losses += 1;
    } else {
      ra.ties += 1;
      rb.ties += 1;
      if (outcome === 'both-bad') {
        ra.bothBad += 1;
        rb.bothBad += 1;
      }
    }
  }
  return records;
}

/** One row per pair of models that met, the alphabetically first as `a`. */
function headToHead(battles: readonly PairBattle[]): LeaderboardPair[] {
  const pairs = new Map<string, LeaderboardPair>();
  for (const battle of battles) {
    const swap = battle.a > battle.b;
    const [a, b] = swap ? [battle.b, battle.a] : [battle.a, battle.b];
    const key = `${a}\u0000${b}`;
    const pair = pairs.get(key) ?? { a, b, battles: 0, aWins: 0, bWins: 0, ties: 0, bothBad: 0 };
    pair.battles += 1;
    if (battle.outcome === 'a' || battle.outcome === 'b') {
      const firstWon = (battle.outcome === 'a') !== swap;
      if (firstWon) pair.aWins += 1;
      else pair.bWins += 1;
    } else {
      pair.ties += 1;
      if (battle.outcome === 'both-bad') pair.bothBad += 1;
    }
    pairs.set(key, pair);
  }
  return [...pairs.values()].sort((x, y) => x.a.localeCompare(y.a) || x.b.localeCompare(y.b));
}
