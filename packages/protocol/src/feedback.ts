import { z } from 'zod';
import { chatMessageSchema } from './chat-message.ts';
import { imageIdSchema, jobIdSchema, modelIdSchema, requestIdSchema, workerIdSchema } from './ids.ts';
import { imageModeSchema, samplingParamsSchema } from './sampling-params.ts';
import { finishReasonSchema, jobTimingsSchema, tokenCountsSchema } from './stream-frame.ts';

/** 👍 / 👎 / flag on one answer, as MGM's gradio server logs its votes. */
export const feedbackKindSchema = z.enum(['upvote', 'downvote', 'flag']);
export type FeedbackKind = z.infer<typeof feedbackKindSchema>;

/** What the browser posts to `POST /api/feedback`. */
export const feedbackInputSchema = z.object({
  kind: feedbackKindSchema,
  requestId: requestIdSchema,
  jobId: jobIdSchema,
  model: modelIdSchema,
  /** The conversation up to and including the rated answer. */
  conversation: z.array(chatMessageSchema).min(1).max(129),
  params: samplingParamsSchema,
  imageMode: imageModeSchema,
  /** sha256 of the normalised image (its image id), null without an image. */
  imageHash: imageIdSchema.nullable(),
  workerId: workerIdSchema.nullable().default(null),
  finishReason: finishReasonSchema.nullable().default(null),
  timingsMs: jobTimingsSchema.nullable().default(null),
  tokens: tokenCountsSchema.nullable().default(null),
  tokensPerSecond: z.number().nonnegative().nullable().default(null),
  comment: z.string().max(2000).optional(),
});
export type FeedbackInput = z.input<typeof feedbackInputSchema>;

/** One JSONL line of `${DATA_DIR}/feedback.jsonl`: the input stamped by the controller. */
export const feedbackRecordSchema = feedbackInputSchema.extend({
  id: z.string(),
  /** Epoch ms at which the controller recorded it. */
  recordedAt: z.number().int().nonnegative(),
});
export type FeedbackRecord = z.infer<typeof feedbackRecordSchema>;
