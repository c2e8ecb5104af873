import { z } from 'zod';
import { modelIdSchema } from './ids.ts';

/** One model's row: Bradley–Terry rating (Elo scale) with its 95 % bootstrap interval, and its record. */
export const leaderboardEntrySchema = z.object({
  model: modelIdSchema,
  /** 1 + the number of models whose interval lies entirely above this one's (FastChat's rank). */
  rank: z.number().int().positive(),
  rating: z.number(),
  ciLow: z.number(),
  ciHigh: z.number(),
  /** Counted blind votes this model took part in. */
  battles: z.number().int().nonnegative(),
  wins: z.number().int().nonnegative(),
  losses: z.number().int().nonnegative(),
  /** Ties, both-bad included. */
  ties: z.number().int().nonnegative(),
  bothBad: z.number().int().nonnegative(),
  /** wins / battles. */
  winRate: z.number().min(0).max(1),
  /** bothBad / battles: how often neither answer was acceptable (an absolute-quality signal). */
  bothBadRate: z.number().min(0).max(1),
});
export type LeaderboardEntry = z.infer<typeof leaderboardEntrySchema>;

/** Head-to-head record of two models over the counted votes. */
export const leaderboardPairSchema = z.object({
  a: modelIdSchema,
  b: modelIdSchema,
  battles: z.number().int().nonnegative(),
  aWins: z.number().int().nonnegative(),
  bWins: z.number().int().nonnegative(),
  ties: z.number().int().nonnegative(),
  bothBad: z.number().int().nonnegative(),
});
export type LeaderboardPair = z.infer<typeof leaderboardPairSchema>;

/** `GET /api/leaderboard`. */
export const leaderboardResponseSchema = z.object({
  generatedAt: z.number().int().nonnegative(),
  method: z.object({
    model: z.literal('bradley-terry'),
    /** Rating = base + scale · log10(strength), centred so the mean rating is `base`. */
    base: z.number(),
    scale: z.number(),
    bootstrapRounds: z.number().int().nonnegative(),
    seed: z.number().int().nonnegative(),
    /** True when the exact MLE does not exist and one virtual tie per pair of models kept ratings finite. */
    regularized: z.boolean(),
  }),
  votes: z.object({
    /** Every recorded vote. */
    total: z.number().int().nonnegative(),
    /** Blind (arena) votes that enter the ratings. */
    counted: z.number().int().nonnegative(),
    /** Blind votes left out, by reason. */
    notCounted: z.array(z.object({ reason: z.string(), count: z.number().int().positive() })),
    /** Comparison votes (the voter saw the names): recorded and exported, not rated. */
    named: z.number().int().nonnegative(),
    lastRecordedAt: z.number().int().nonnegative().nullable(),
  }),
  models: z.array(leaderboardEntrySchema),
  pairs: z.array(leaderboardPairSchema),
});
export type LeaderboardResponse = z.infer<typeof leaderboardResponseSchema>;
