import { z } from 'zod';

/**
 * Every error that crosses a boundary (HTTP answer, stream frame, CLI exit) carries one of
 * these codes. `httpStatus` maps a code to the status an HTTP route answers with.
 */
export const errorCodeSchema = z.enum([
  'BAD_REQUEST',
  'IMAGE_INVALID',
  'IMAGE_TOO_LARGE',
  'IMAGE_NOT_FOUND',
  'MODEL_NOT_FOUND',
  'NO_WORKER',
  'PROMPT_TOO_LONG',
  'MANIFEST_INVALID',
  'CHECKPOINT_FILE_MISSING',
  'GRAPH_MISMATCH',
  'TEMPLATE_UNKNOWN',
  'PROVIDER_UNAVAILABLE',
  'WORKER_FAILED',
  'CANCELLED',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'JOB_NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  /** The text-to-image backend failed or could not draw the model's image prompt. */
  'IMAGE_GEN_FAILED',
  /** The service's store (Redis) does not answer: try again shortly. */
  'UNAVAILABLE',
  /** Too many requests from this client: retry after the time given. */
  'RATE_LIMITED',
  /** The answer's frames were lost (Redis lost its data): the answer cannot be completed or resumed. */
  'STREAM_LOST',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/**
 * Codes of a request refused for what it asks (a prompt too long, a bad image...): the client's
 * input, not a failure of the service. Such jobs are not counted as failed jobs (worker stats,
 * BullMQ's failed set, the admin view, /metrics' error counts).
 */
export const REQUEST_REJECTION_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'BAD_REQUEST',
  'IMAGE_INVALID',
  'IMAGE_TOO_LARGE',
  'IMAGE_NOT_FOUND',
  'PROMPT_TOO_LONG',
  'PAYLOAD_TOO_LARGE',
]);

export const httpStatusByCode: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  IMAGE_INVALID: 422,
  IMAGE_TOO_LARGE: 413,
  IMAGE_NOT_FOUND: 404,
  MODEL_NOT_FOUND: 404,
  NO_WORKER: 503,
  PROMPT_TOO_LONG: 422,
  MANIFEST_INVALID: 500,
  CHECKPOINT_FILE_MISSING: 500,
  GRAPH_MISMATCH: 500,
  TEMPLATE_UNKNOWN: 500,
  PROVIDER_UNAVAILABLE: 500,
  WORKER_FAILED: 502,
  CANCELLED: 499,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  JOB_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  IMAGE_GEN_FAILED: 502,
  UNAVAILABLE: 503,
  RATE_LIMITED: 429,
  STREAM_LOST: 503,
  INTERNAL: 500,
};
