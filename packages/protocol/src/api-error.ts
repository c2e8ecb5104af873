import { z } from 'zod';
import { errorCodeSchema } from './error-codes.ts';
import { isMgmError } from './mgm-error.ts';

/** The error body of every HTTP answer and socket.io ack that failed. */
export const apiErrorSchema = z.object({ code: errorCodeSchema, message: z.string() });
export type ApiError = z.infer<typeof apiErrorSchema>;

export const errorResponseSchema = z.object({ error: apiErrorSchema });
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

/**
 * Turns anything thrown into an ApiError; a Redis connection that is down or does not answer is
 * UNAVAILABLE (503), other unknown errors hide their message behind INTERNAL.
 */
export function toApiError(error: unknown): ApiError {
  if (isMgmError(error)) return { code: error.code, message: error.message };
  if (isStoreUnavailable(error)) return { code: 'UNAVAILABLE', message: 'the service is briefly unavailable (its store does not answer): try again in a few seconds' };
  return { code: 'INTERNAL', message: 'internal error (see the server log)' };
}

/** ioredis's errors for a connection that is down, closed, or whose command timed out. */
const STORE_DOWN = /enableOfflineQueue options is false|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|Reached the max retries per request limit/;

export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'MaxRetriesPerRequestError' || STORE_DOWN.test(error.message) || ('code' in error && /^(ECONNREFUSED|ECONNRESET)$/.test(String(error.code)));
}

/** A person-readable summary of a zod error: "params.temperature: too big; models: ..." */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
