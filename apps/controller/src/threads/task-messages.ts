import { z } from 'zod';
import { errorCodeSchema } from '@mgm/protocol';

/** A task sent to a pool thread: its id and the request (checked by the thread's own schema). */
export const taskRequestSchema = z.object({ id: z.number().int().nonnegative(), request: z.unknown() });
export type TaskRequest = z.infer<typeof taskRequestSchema>;

/** A thread's answer to a task: the result (checked by the caller's schema) or a typed error. */
export const taskReplySchema = z.discriminatedUnion('ok', [
  z.object({ id: z.number().int().nonnegative(), ok: z.literal(true), result: z.unknown(), retire: z.boolean().optional() }),
  z.object({
    id: z.number().int().nonnegative(),
    ok: z.literal(false),
    error: z.object({ code: errorCodeSchema, message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
  }),
]);
export type TaskReply = z.infer<typeof taskReplySchema>;
