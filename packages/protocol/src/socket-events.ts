import { z } from 'zod';
import type { ApiError } from './api-error.ts';
import { conversationSchema } from './chat-message.ts';
import { imageIdSchema, jobIdSchema, modelIdSchema, requestIdSchema } from './ids.ts';
import { imageModeSchema, samplingParamsSchema } from './sampling-params.ts';
import type { ClientFrame } from './stream-frame.ts';

export const MAX_MODELS_PER_REQUEST = 4;

/** `generate`: one conversation to one model (chat) or up to four (compare). */
export const generateRequestSchema = z.object({
  messages: conversationSchema,
  imageId: imageIdSchema.nullish(),
  models: z
    .array(modelIdSchema)
    .min(1, 'pick a model')
    .max(MAX_MODELS_PER_REQUEST, `at most ${MAX_MODELS_PER_REQUEST} models at once`)
    .refine((models) => new Set(models).size === models.length, 'a model is listed twice'),
  params: samplingParamsSchema.default(samplingParamsSchema.parse({})),
  imageMode: imageModeSchema.default('default'),
  /** Ask each model for its lens (what it saw): the end frame then has `lens: true`. */
  explain: z.boolean().default(false),
});
export type GenerateRequest = z.infer<typeof generateRequestSchema>;
export type GenerateRequestInput = z.input<typeof generateRequestSchema>;

export type GenerateAck =
  | { ok: true; requestId: string; jobs: Array<{ jobId: string; model: string }> }
  | { ok: false; error: ApiError };

/** `resume`: frames of a job after `afterSeq` (-1 for all), then the live rest. */
export const resumeRequestSchema = z.object({
  jobId: jobIdSchema,
  afterSeq: z.number().int().min(-1),
});
export type ResumeRequest = z.infer<typeof resumeRequestSchema>;
export type ResumeAck = { ok: true; jobId: string; requestId: string; model: string } | { ok: false; error: ApiError };

/** `stop`: cancel one job or every job of a request. */
export const stopRequestSchema = z.union([
  z.object({ jobId: jobIdSchema }).strict(),
  z.object({ requestId: requestIdSchema }).strict(),
]);
export type StopRequest = z.infer<typeof stopRequestSchema>;
export type StopAck = { ok: true; jobIds: string[] } | { ok: false; error: ApiError };

export interface ClientToServerEvents {
  generate: (request: GenerateRequestInput, ack: (response: GenerateAck) => void) => void;
  resume: (request: ResumeRequest, ack: (response: ResumeAck) => void) => void;
  stop: (request: StopRequest, ack: (response: StopAck) => void) => void;
}

export interface ServerToClientEvents {
  frame: (frame: ClientFrame) => void;
}

export const generateAckJobSchema = z.object({ jobId: jobIdSchema, model: modelIdSchema });
