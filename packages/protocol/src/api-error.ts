import { z } from 'zod';
import { errorCodeSchema } from './error-codes.ts';
import { isMgmError } from './mgm-error.ts';

/** The error body of every HTTP answer and socket.io ack that failed. */
export const apiErrorSchema = z.object({ code: errorCodeSchema, message: z.string() });
export type ApiError = z.infer<typeof apiErrorSchema>;

export const errorResponseSchema = z.object({ error: apiErrorSchema });
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

/** Turns anything thrown into an ApiError; unknown errors hide their message behind INTERNAL. */
export function toApiError(error: unknown): ApiError {
  if (isMgmError(error)) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: 'internal error (see the server log)' };
}

/** A person-readable summary of a zod error: "params.temperature: too big; models: ..." */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
