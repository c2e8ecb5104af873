import { z } from 'zod';
import { errorCodeSchema } from './error-codes.ts';
import { generatedImageSchema } from './generated-image.ts';
import { jobIdSchema, modelIdSchema, requestIdSchema, workerIdSchema } from './ids.ts';

export const finishReasonSchema = z.enum(['stop', 'length', 'abort']);
export type FinishReason = z.infer<typeof finishReasonSchema>;

export const tokenCountsSchema = z.object({
  prompt: z.number().int().nonnegative(),
  visual: z.number().int().nonnegative(),
  generated: z.number().int().nonnegative(),
});
export type TokenCounts = z.infer<typeof tokenCountsSchema>;

export const jobTimingsSchema = z.object({
  queue: z.number().nonnegative(),
  preprocess: z.number().nonnegative(),
  vision: z.number().nonnegative(),
  prefill: z.number().nonnegative(),
  ttft: z.number().nonnegative(),
  decode: z.number().nonnegative(),
  total: z.number().nonnegative(),
});
export type JobTimings = z.infer<typeof jobTimingsSchema>;

/** One token and its log-probability; `bytes` are its UTF-8 bytes (a token may hold part of a character). */
export const tokenLogprobBaseSchema = z.object({ token: z.string(), logprob: z.number(), bytes: z.array(z.number().int().min(0).max(255)) });
/** A generated token's log-probability, with the most likely alternatives at that step (most likely first). */
export const tokenLogprobSchema = tokenLogprobBaseSchema.extend({ top: z.array(tokenLogprobBaseSchema) });
export type TokenLogprobBase = z.infer<typeof tokenLogprobBaseSchema>;
export type TokenLogprob = z.infer<typeof tokenLogprobSchema>;

const frameBase = {
  jobId: jobIdSchema,
  /** 0, 1, 2, ... per job: a client that saw seq n resumes after n. */
  seq: z.number().int().nonnegative(),
};

export const startFrameSchema = z.object({
  ...frameBase,
  type: z.literal('start'),
  workerId: workerIdSchema,
  queueMs: z.number().nonnegative(),
});
export const deltaFrameSchema = z.object({
  ...frameBase,
  type: z.literal('delta'),
  text: z.string(),
  /**
   * With params.logprobs: the tokens generated since the previous delta (the final stop token
   * excepted), in order. A token's entry may come one frame before the text it completes.
   */
  logprobs: z.array(tokenLogprobSchema).optional(),
});
export const endFrameSchema = z.object({
  ...frameBase,
  type: z.literal('end'),
  finishReason: finishReasonSchema,
  tokens: tokenCountsSchema,
  timingsMs: jobTimingsSchema,
  tokensPerSecond: z.number().nonnegative(),
  /** The whole answer (the concatenated deltas). */
  text: z.string(),
  /** With params.generateImage: the image prompt and the picture drawn from it. */
  image: generatedImageSchema.optional(),
  /** With params.useOcr: the OCR text given to the model (null: OCR found none). */
  ocrText: z.string().nullable().optional(),
  /** With explain and an image: the job's lens is stored, GET /api/lens/:jobId answers it. */
  lens: z.boolean().optional(),
});
export const errorFrameSchema = z.object({
  ...frameBase,
  type: z.literal('error'),
  code: errorCodeSchema,
  message: z.string(),
});

/**
 * One entry of a job's Redis Stream. `end` and `error` are terminal: nothing follows them.
 * A `start` after other frames means the job was handed to another worker (the first one died or
 * stopped): the text received so far is dropped and the answer starts again.
 */
export const streamFrameSchema = z.discriminatedUnion('type', [
  startFrameSchema,
  deltaFrameSchema,
  endFrameSchema,
  errorFrameSchema,
]);
export type StartFrame = z.infer<typeof startFrameSchema>;
export type DeltaFrame = z.infer<typeof deltaFrameSchema>;
export type EndFrame = z.infer<typeof endFrameSchema>;
export type ErrorFrame = z.infer<typeof errorFrameSchema>;
export type StreamFrame = z.infer<typeof streamFrameSchema>;

export function isTerminalFrame(frame: StreamFrame): frame is EndFrame | ErrorFrame {
  return frame.type === 'end' || frame.type === 'error';
}

/** A frame as the browser receives it: tagged with its request and model. */
export type ClientFrame = StreamFrame & { requestId: string; model: string };
export const clientFrameSchema = z.intersection(
  streamFrameSchema,
  z.object({ requestId: requestIdSchema, model: modelIdSchema }),
);

/** What a worker returns to BullMQ when a job ends (kept with the completed job for the admin view). */
export const jobResultSchema = z.object({
  workerId: workerIdSchema,
  finishReason: finishReasonSchema,
  tokens: tokenCountsSchema,
  timingsMs: jobTimingsSchema,
  tokensPerSecond: z.number().nonnegative(),
});
export type JobResult = z.infer<typeof jobResultSchema>;
