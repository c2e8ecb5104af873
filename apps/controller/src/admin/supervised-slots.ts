import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  MgmError,
  supervisedSlotSchema,
  supervisorAckSchema,
  supervisorKeys,
  type SupervisedSlot,
  type SupervisorAck,
  type SupervisorCommand,
  type SupervisorKeys,
} from '@mgm/protocol';
import { PendingAcks } from './pending-acks.ts';

export interface SupervisedSlotsDeps {
  redis: Redis;
  /** Dedicated to the supervisors' answers. */
  subscriber: Redis;
  prefix: string;
  logger: Logger;
  ackTimeoutMs: number;
}

/**
 * The worker slots that a supervisor (`npm run demo`'s launcher) registered, and restart
 * requests relayed to it. The controller holds no command line: it only asks the supervisor that
 * owns the slot, and says what it answered.
 */
export class SupervisedSlots {
  private readonly keys: SupervisorKeys;
  private readonly pending: PendingAcks<SupervisorAck>;

  constructor(private readonly deps: SupervisedSlotsDeps) {
    this.keys = supervisorKeys(deps.prefix);
    this.pending = new PendingAcks(deps.ackTimeoutMs);
  }

  async start(): Promise<void> {
    this.deps.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.keys.acks) return;
      const parsed = supervisorAckSchema.safeParse(safeJson(message));
      if (!parsed.success) {
        this.deps.logger.warn({ issues: parsed.error.issues.length }, 'ignoring an invalid supervisor answer');
        return;
      }
      this.pending.settle(parsed.data.commandId, parsed.data);
    });
    await this.deps.subscriber.subscribe(this.keys.acks);
  }

  /** Every slot whose supervisor is alive (a record expires when its supervisor is gone). */
  async list(): Promise<SupervisedSlot[]> {
    const ids = await this.deps.redis.smembers(this.keys.slots);
    if (ids.length === 0) return [];
    const values = await this.deps.redis.mget(...ids.map((id) => this.keys.slot(id)));
    const slots: SupervisedSlot[] = [];
    const gone: string[] = [];
    values.forEach((raw, index) => {
      if (raw === null) {
        gone.push(ids[index] as string);
        return;
      }
      const parsed = supervisedSlotSchema.safeParse(safeJson(raw));
      if (parsed.success) slots.push(parsed.data);
      else this.deps.logger.warn({ slotId: ids[index] }, 'ignoring an invalid supervised slot record');
    });
    if (gone.length > 0) await this.deps.redis.srem(this.keys.slots, ...gone);
    return slots.sort((a, b) => a.slotId.localeCompare(b.slotId));
  }

  /**
   * Asks the slot's supervisor to start its worker again. NOT_FOUND: no such slot (never
   * supervised, or its supervisor is gone); BAD_REQUEST: its worker is running; WORKER_FAILED:
   * the supervisor did not answer or could not start it.
   */
  async restart(slotId: string): Promise<SupervisorAck> {
    const slot = (await this.list()).find((s) => s.slotId === slotId);
    if (!slot) {
      throw new MgmError('NOT_FOUND', `no supervised worker slot ${slotId}: only workers started by a supervisor (npm run demo) can be restarted from here`);
    }
    if (slot.state !== 'stopped') throw new MgmError('BAD_REQUEST', `the worker of ${slotId} is ${slot.state} (${slot.workerId}): there is nothing to restart`);
    const command: SupervisorCommand = { action: 'restart', slotId, commandId: randomUUID(), issuedAt: Date.now() };
    const answered = this.pending.wait(command.commandId);
    const receivers = await this.deps.redis.publish(this.keys.commands, JSON.stringify(command));
    if (receivers === 0) {
      this.pending.forget(command.commandId);
      throw new MgmError('WORKER_FAILED', `the supervisor of ${slotId} (${slot.supervisor}) does not listen any more: it cannot restart the worker`);
    }
    const ack = await answered;
    if (!ack) throw new MgmError('WORKER_FAILED', `the supervisor of ${slotId} did not answer within ${this.deps.ackTimeoutMs / 1000} s`);
    this.deps.logger.info({ slotId, ok: ack.ok, refusal: ack.refusal, workerId: ack.workerId }, 'supervisor answered a restart');
    if (!ack.ok) {
      throw new MgmError(ack.refusal === 'SLOT_RUNNING' ? 'BAD_REQUEST' : 'WORKER_FAILED', ack.message, { details: { refusal: ack.refusal } });
    }
    return ack;
  }

  async close(): Promise<void> {
    await this.deps.subscriber.quit().catch(() => undefined);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
