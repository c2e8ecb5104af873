import { z } from 'zod';
import { conversationSchema, systemPromptSchema } from './chat-message.ts';
import { imageIdSchema, jobIdSchema, modelIdSchema, requestIdSchema } from './ids.ts';
import { imageModeSchema, samplingParamsSchema } from './sampling-params.ts';

/** The data of one BullMQ job: one model answering one conversation. */
export const jobPayloadSchema = z.object({
  jobId: jobIdSchema,
  requestId: requestIdSchema,
  model: modelIdSchema,
  messages: conversationSchema,
  imageId: imageIdSchema.nullable(),
  imageMode: imageModeSchema,
  params: samplingParamsSchema,
  /** Replaces the chat template's system prompt (OpenAI `system` messages); absent: the template's own. */
  system: systemPromptSchema.optional(),
  /** Epoch ms when the controller enqueued the job (queue time = start - enqueuedAt). */
  enqueuedAt: z.number().int().nonnegative(),
  /** Also store the image's lens for GET /api/lens/:jobId (what the model saw). */
  explain: z.boolean().optional(),
});
export type JobPayload = z.infer<typeof jobPayloadSchema>;

/** Where a job's frames go and who asked: stored next to the stream so any controller can resume. */
export const jobMetaSchema = z.object({
  jobId: jobIdSchema,
  requestId: requestIdSchema,
  model: modelIdSchema,
  enqueuedAt: z.number().int().nonnegative(),
});
export type JobMeta = z.infer<typeof jobMetaSchema>;
