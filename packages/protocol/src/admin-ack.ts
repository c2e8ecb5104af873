import { z } from 'zod';
import { adminActionSchema } from './admin-command.ts';
import { workerIdSchema } from './ids.ts';
import { workerStateSchema } from './worker-record.ts';

/**
 * A worker's answer to an admin command, published on the ack channel once the command took
 * effect (drain and stop: once the worker stopped taking jobs, before it exits).
 */
export const adminAckSchema = z.object({
  commandId: z.string().min(1).max(128),
  workerId: workerIdSchema,
  action: adminActionSchema,
  /** False when the command could not apply (e.g. pausing a worker that is still loading). */
  ok: z.boolean(),
  state: workerStateSchema,
  message: z.string(),
  at: z.number().int().nonnegative(),
});
export type AdminAck = z.infer<typeof adminAckSchema>;
