import { z } from 'zod';
import { chatMessageSchema } from './chat-message.ts';
import { imageIdSchema, jobIdSchema, modelIdSchema, requestIdSchema, workerIdSchema } from './ids.ts';
import { imageModeSchema, samplingParamsSchema } from './sampling-params.ts';
import { MAX_MODELS_PER_REQUEST } from './socket-events.ts';
import { finishReasonSchema, jobTimingsSchema, tokenCountsSchema } from './stream-frame.ts';

/** Panes of a comparison are told apart by a letter (and a colour in the web app). */
export const PANE_LABELS = ['A', 'B', 'C', 'D'] as const;
export const paneLabelSchema = z.enum(PANE_LABELS);
export type PaneLabel = z.infer<typeof paneLabelSchema>;

/**
 * A verdict between 2–4 answers: one pane is the best ("A is better", or "pick the best" with more
 * than two panes), a tie, or all bad (FastChat's "both are bad").
 */
export const voteChoiceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pane'), pane: z.number().int().min(0).max(MAX_MODELS_PER_REQUEST - 1) }),
  z.object({ type: z.literal('tie') }),
  z.object({ type: z.literal('all-bad') }),
]);
export type VoteChoice = z.infer<typeof voteChoiceSchema>;

/** compare: the voter saw the model names; arena: an anonymous battle (names hidden until the vote). */
export const voteModeSchema = z.enum(['compare', 'arena']);
export type VoteMode = z.infer<typeof voteModeSchema>;

/** One judged answer, read by the controller from the job itself (never taken from the browser). */
export const votePaneSchema = z.object({
  label: paneLabelSchema,
  model: modelIdSchema,
  jobId: jobIdSchema,
  requestId: requestIdSchema,
  /** What the model was asked: the earlier turns of its own conversation and the question. */
  messages: z.array(chatMessageSchema).min(1),
  answer: z.string(),
  params: samplingParamsSchema,
  imageMode: imageModeSchema,
  /** sha256 of the normalised image (its image id); null without an image. */
  imageHash: imageIdSchema.nullable(),
  workerId: workerIdSchema.nullable(),
  finishReason: finishReasonSchema,
  tokens: tokenCountsSchema,
  timingsMs: jobTimingsSchema,
  tokensPerSecond: z.number().nonnegative(),
});
export type VotePane = z.infer<typeof votePaneSchema>;

/** One line of `${DATA_DIR}/votes.jsonl`. */
export const voteRecordSchema = z
  .object({
    id: z.string().min(1),
    /** Epoch ms at which the controller recorded it. */
    recordedAt: z.number().int().nonnegative(),
    mode: voteModeSchema,
    /** The arena battle voted on; null for a comparison. */
    battleId: z.string().nullable(),
    /** True when the voter could not know which model wrote which answer. */
    blind: z.boolean(),
    /** Whether the vote enters the leaderboard; `notCountedReason` says why not. */
    counted: z.boolean(),
    notCountedReason: z.string().nullable(),
    choice: voteChoiceSchema,
    panes: z.array(votePaneSchema).min(2).max(MAX_MODELS_PER_REQUEST),
    /** Number of question/answer turns of the conversation judged (the panes hold the last one). */
    turns: z.number().int().positive(),
  })
  .refine((vote) => vote.choice.type !== 'pane' || vote.choice.pane < vote.panes.length, {
    message: 'the chosen pane does not exist',
    path: ['choice', 'pane'],
  });
export type VoteRecord = z.infer<typeof voteRecordSchema>;

/**
 * `POST /api/votes` (compare page): the jobs of the judged answers, in pane order, and the
 * verdict. The controller reads models, questions, answers, params and timings from the jobs.
 */
export const compareVoteInputSchema = z
  .object({
    jobIds: z
      .array(jobIdSchema)
      .min(2, 'a vote compares at least two answers')
      .max(MAX_MODELS_PER_REQUEST, `a vote compares at most ${MAX_MODELS_PER_REQUEST} answers`)
      .refine((ids) => new Set(ids).size === ids.length, 'an answer is listed twice'),
    choice: voteChoiceSchema,
    /** How many turns the conversation had (the judged answers are of the last one). */
    turns: z.number().int().positive().max(64).default(1),
  })
  .refine((vote) => vote.choice.type !== 'pane' || vote.choice.pane < vote.jobIds.length, {
    message: 'the chosen pane does not exist',
    path: ['choice', 'pane'],
  });
export type CompareVoteInput = z.input<typeof compareVoteInputSchema>;

/** The answer to a recorded vote (HTTP for compare, the socket.io ack for the arena). */
export const voteResultSchema = z.object({
  id: z.string(),
  counted: z.boolean(),
  notCountedReason: z.string().nullable(),
});
export type VoteResult = z.infer<typeof voteResultSchema>;
