import { z } from 'zod';
import { workerIdSchema } from './ids.ts';
import { redisPrefixSchema } from './redis-keys.ts';

/**
 * Worker slots kept by a supervisor (`npm run demo`'s launcher): a checkpoint on a device that
 * the supervisor started a worker for and can start again. The supervisor, not the controller,
 * holds the command that starts it; the controller only relays an admin's restart request.
 */
export const supervisedSlotIdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9._-]+$/, 'not a slot id');

/** running: its worker process is alive; stopped: it exited (an admin stop, drain or a crash); starting: being restarted. */
export const supervisedSlotStateSchema = z.enum(['running', 'starting', 'stopped']);
export type SupervisedSlotState = z.infer<typeof supervisedSlotStateSchema>;

export const supervisedSlotSchema = z.object({
  slotId: supervisedSlotIdSchema,
  supervisorId: z.string().min(1).max(128),
  /** What started it, in words ("npm run demo"). */
  supervisor: z.string().min(1).max(128),
  /** Checkpoint folder name (the model id is known once its worker registers). */
  checkpoint: z.string().min(1).max(256),
  device: z.string().min(1).max(64),
  /** The worker id of its current (or last) process. */
  workerId: workerIdSchema,
  state: supervisedSlotStateSchema,
  pid: z.number().int().positive().nullable(),
  /** How its last process ended ("code 0", "signal SIGKILL"), null while the first one runs. */
  lastExit: z.string().max(256).nullable(),
  restarts: z.number().int().nonnegative(),
  updatedAt: z.number().int().nonnegative(),
});
export type SupervisedSlot = z.infer<typeof supervisedSlotSchema>;

export const supervisorCommandSchema = z.object({
  action: z.literal('restart'),
  slotId: supervisedSlotIdSchema,
  commandId: z.string().min(1).max(128),
  issuedAt: z.number().int().nonnegative(),
});
export type SupervisorCommand = z.infer<typeof supervisorCommandSchema>;

/** Why a restart did not happen; `ok: true` answers carry null. */
export const supervisorRefusalSchema = z.enum(['SLOT_RUNNING', 'SPAWN_FAILED', 'SUPERVISOR_STOPPING']);
export type SupervisorRefusal = z.infer<typeof supervisorRefusalSchema>;

export const supervisorAckSchema = z.object({
  commandId: z.string().min(1).max(128),
  slotId: supervisedSlotIdSchema,
  ok: z.boolean(),
  refusal: supervisorRefusalSchema.nullable(),
  /** The new worker's id when it was started. */
  workerId: workerIdSchema.nullable(),
  message: z.string().max(2000),
  at: z.number().int().nonnegative(),
});
export type SupervisorAck = z.infer<typeof supervisorAckSchema>;

/** `GET /api/admin/slots`. */
export const supervisedSlotsResponseSchema = z.object({ slots: z.array(supervisedSlotSchema) });
export type SupervisedSlotsResponse = z.infer<typeof supervisedSlotsResponseSchema>;

/**
 * The supervisors' keys, under the deployment's prefix: one record per slot with an expiry the
 * supervisor refreshes (a supervisor that is gone leaves no restartable slot behind), an index
 * of them, and the command and answer channels.
 */
export function supervisorKeys(prefix: string) {
  const p = redisPrefixSchema.parse(prefix);
  return {
    /** Set of slot ids. */
    slots: `${p}:supervisor:slots`,
    /** String (JSON SupervisedSlot) with an expiry refreshed by its supervisor. */
    slot: (slotId: string) => `${p}:supervisor:slot:${slotId}`,
    /** Pub/sub channel of restart requests (JSON SupervisorCommand). */
    commands: `${p}:supervisor:commands`,
    /** Pub/sub channel of the supervisors' answers (JSON SupervisorAck). */
    acks: `${p}:supervisor:acks`,
  };
}
export type SupervisorKeys = ReturnType<typeof supervisorKeys>;
