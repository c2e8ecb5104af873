import { z } from 'zod';
import type { PairOutcome } from './bradley-terry.ts';
import type { LeaderboardOptions, VoteSummary } from './leaderboard.ts';

const OUTCOMES: readonly PairOutcome[] = ['a', 'b', 'tie', 'both-bad'];

/**
 * A vote summary as sent to the leaderboard thread: battles as model indices and outcome codes in
 * typed arrays (moved, not copied, and cheap to build for tens of thousands of votes).
 */
export const voteSummaryMessageSchema = z.object({
  models: z.array(z.string()),
  a: z.instanceof(Int32Array),
  b: z.instanceof(Int32Array),
  outcome: z.instanceof(Uint8Array),
  notCounted: z.array(z.tuple([z.string(), z.number().int().nonnegative()])),
  named: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  lastRecordedAt: z.number().nullable(),
  options: z.object({ bootstrapRounds: z.number().int().nonnegative(), seed: z.number().int(), now: z.number().optional() }),
});
export type VoteSummaryMessage = z.infer<typeof voteSummaryMessageSchema>;

export function encodeVoteSummary(summary: VoteSummary, options: LeaderboardOptions): { message: VoteSummaryMessage; transfer: ArrayBuffer[] } {
  const models: string[] = [];
  const index = new Map<string, number>();
  const indexOf = (model: string): number => {
    let i = index.get(model);
    if (i === undefined) {
      i = models.push(model) - 1;
      index.set(model, i);
    }
    return i;
  };
  const n = summary.battles.length;
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const outcome = new Uint8Array(n);
  summary.battles.forEach((battle, t) => {
    a[t] = indexOf(battle.a);
    b[t] = indexOf(battle.b);
    outcome[t] = OUTCOMES.indexOf(battle.outcome);
  });
  const message: VoteSummaryMessage = {
    models,
    a,
    b,
    outcome,
    notCounted: [...summary.notCounted],
    named: summary.named,
    total: summary.total,
    lastRecordedAt: summary.lastRecordedAt,
    options: { bootstrapRounds: options.bootstrapRounds, seed: options.seed, ...(options.now === undefined ? {} : { now: options.now }) },
  };
  return { message, transfer: [a.buffer, b.buffer, outcome.buffer] };
}

export function decodeVoteSummary(message: VoteSummaryMessage): { summary: VoteSummary; options: LeaderboardOptions } {
  const { models, a, b, outcome } = message;
  if (a.length !== b.length || a.length !== outcome.length) throw new RangeError('battle arrays of different lengths');
  const name = (i: number): string => {
    const model = models[i];
    if (model === undefined) throw new RangeError(`no model ${i}`);
    return model;
  };
  const battles = Array.from(a, (ai, t) => {
    const result = OUTCOMES[outcome[t]!];
    if (!result) throw new RangeError(`no outcome ${outcome[t]}`);
    return { a: name(ai), b: name(b[t]!), outcome: result };
  });
  return {
    summary: { battles, notCounted: new Map(message.notCounted), named: message.named, total: message.total, lastRecordedAt: message.lastRecordedAt },
    options: message.options,
  };
}
