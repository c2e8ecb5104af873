import { z } from 'zod';
import { workerIdSchema } from './ids.ts';

/**
 * Commands published on the admin channel. `workerId` "*" addresses every worker.
 * pause: take no new job (the in-flight ones finish); resume: take jobs again;
 * drain: finish the in-flight jobs, then exit; stop: exit now, handing the in-flight jobs back.
 */
export const adminActionSchema = z.enum(['pause', 'resume', 'drain', 'stop']);
export type AdminAction = z.infer<typeof adminActionSchema>;

export const adminCommandSchema = z.object({
  action: adminActionSchema,
  workerId: z.union([workerIdSchema, z.literal('*')]),
  commandId: z.string().min(1).max(128),
  issuedAt: z.number().int().nonnegative(),
});
export type AdminCommand = z.infer<typeof adminCommandSchema>;
