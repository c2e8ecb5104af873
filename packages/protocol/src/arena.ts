import { z } from 'zod';
import type { ApiError } from './api-error.ts';
import { MAX_MESSAGE_CHARS, MAX_MESSAGES } from './chat-message.ts';
import { errorCodeSchema } from './error-codes.ts';
import { imageIdSchema, modelIdSchema, workerIdSchema } from './ids.ts';
import { imageModeSchema, samplingParamsSchema } from './sampling-params.ts';
import { finishReasonSchema, jobTimingsSchema, tokenCountsSchema } from './stream-frame.ts';
import type { VoteResult } from './vote.ts';

/**
 * The anonymous arena, on its own socket.io namespace. The controller draws two live models,
 * keeps them secret until the vote, and relays their frames tagged with a battle id and a side:
 * nothing the browser receives before the vote names a model (no model id, worker id, job id,
 * token counts or timings).
 */
export const ARENA_NAMESPACE = '/arena';

export const arenaSideSchema = z.enum(['a', 'b']);
export type ArenaSide = z.infer<typeof arenaSideSchema>;
export const ARENA_SIDES: readonly ArenaSide[] = ['a', 'b'];

export const battleIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a battle id');

/** Follow-ups are allowed while the names are hidden; a battle has at most this many questions. */
export const MAX_ARENA_TURNS = Math.floor(MAX_MESSAGES / 2);

/** `ask`: the first question (no battleId: a new battle with a new random pair) or a follow-up. */
export const arenaAskSchema = z.object({
  battleId: battleIdSchema.nullish(),
  question: z
    .string()
    .max(MAX_MESSAGE_CHARS, `a message is at most ${MAX_MESSAGE_CHARS} characters`)
    .refine((question) => question.trim() !== '', 'the question is empty'),
  /** Only with the first question (as in MGM, the image belongs to the first message). */
  imageId: imageIdSchema.nullish(),
  params: samplingParamsSchema.default(samplingParamsSchema.parse({})),
  imageMode: imageModeSchema.default('default'),
});
export type ArenaAsk = z.input<typeof arenaAskSchema>;
export type ArenaAskAck = { ok: true; battleId: string; turn: number; attempt: number } | { ok: false; error: ApiError };

/** `regenerate` (both answers of the last question again) and `stop` (both answers). */
export const arenaBattleRequestSchema = z.object({ battleId: battleIdSchema });
export type ArenaBattleRequest = z.infer<typeof arenaBattleRequestSchema>;
export type ArenaActionAck = { ok: true; battleId: string; turn: number; attempt: number } | { ok: false; error: ApiError };

/** `resume` after a reconnect: one side's frames of a turn after `afterSeq`, then the live rest. */
export const arenaResumeSchema = z.object({
  battleId: battleIdSchema,
  turn: z.number().int().nonnegative(),
  attempt: z.number().int().nonnegative(),
  side: arenaSideSchema,
  afterSeq: z.number().int().min(-1),
});
export type ArenaResume = z.infer<typeof arenaResumeSchema>;
export type ArenaResumeAck = { ok: true } | { ok: false; error: ApiError };

/** FastChat's four buttons: A is better, B is better, tie, both are bad. */
export const arenaVerdictSchema = z.enum(['a', 'b', 'tie', 'both-bad']);
export type ArenaVerdict = z.infer<typeof arenaVerdictSchema>;

export const arenaVoteSchema = z.object({ battleId: battleIdSchema, verdict: arenaVerdictSchema });
export type ArenaVote = z.infer<typeof arenaVoteSchema>;

/** One side as revealed after the vote, with the figures that were hidden during the battle. */
export const arenaRevealedSideSchema = z.object({
  model: modelIdSchema,
  displayName: z.string(),
  workerId: workerIdSchema.nullable(),
  finishReason: finishReasonSchema,
  tokens: tokenCountsSchema,
  timingsMs: jobTimingsSchema,
  tokensPerSecond: z.number().nonnegative(),
});
export type ArenaRevealedSide = z.infer<typeof arenaRevealedSideSchema>;
export type ArenaReveal = Record<ArenaSide, ArenaRevealedSide>;

export type ArenaVoteAck = ({ ok: true; vote: VoteResult; reveal: ArenaReveal }) | { ok: false; error: ApiError };

const arenaFrameBase = {
  battleId: battleIdSchema,
  /** 0 for the first question, 1 for the first follow-up, ... */
  turn: z.number().int().nonnegative(),
  /** Bumped by each regenerate of the turn: frames of an older attempt are stale. */
  attempt: z.number().int().nonnegative(),
  side: arenaSideSchema,
  seq: z.number().int().nonnegative(),
};

/** What the browser receives of an anonymous answer. */
export const arenaFrameSchema = z.discriminatedUnion('type', [
  z.object({ ...arenaFrameBase, type: z.literal('start') }),
  z.object({ ...arenaFrameBase, type: z.literal('delta'), text: z.string() }),
  z.object({ ...arenaFrameBase, type: z.literal('end'), finishReason: finishReasonSchema, text: z.string() }),
  z.object({ ...arenaFrameBase, type: z.literal('error'), code: errorCodeSchema, message: z.string() }),
]);
export type ArenaFrame = z.infer<typeof arenaFrameSchema>;

export interface ArenaClientToServerEvents {
  ask: (request: ArenaAsk, ack: (response: ArenaAskAck) => void) => void;
  regenerate: (request: ArenaBattleRequest, ack: (response: ArenaActionAck) => void) => void;
  stop: (request: ArenaBattleRequest, ack: (response: ArenaActionAck) => void) => void;
  resume: (request: ArenaResume, ack: (response: ArenaResumeAck) => void) => void;
  vote: (request: ArenaVote, ack: (response: ArenaVoteAck) => void) => void;
}

export interface ArenaServerToClientEvents {
  frame: (frame: ArenaFrame) => void;
}
