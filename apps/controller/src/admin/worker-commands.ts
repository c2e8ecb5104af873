import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MgmError, adminAckSchema, type AdminAck, type AdminAction, type AdminCommand, type RedisKeys } from '@mgm/protocol';
import { PendingAcks } from './pending-acks.ts';

export interface WorkerCommandsDeps {
  redis: Redis;
  /** Dedicated to the ack subscription. */
  subscriber: Redis;
  keys: RedisKeys;
  logger: Logger;
  ackTimeoutMs: number;
}

/**
 * Sends pause / resume / drain / stop to one worker over the admin channel and waits for the
 * worker's acknowledgement, so the dashboard can say what actually happened.
 */
export class WorkerCommands {
  private readonly pending: PendingAcks<AdminAck>;

  constructor(private readonly deps: WorkerCommandsDeps) {
    this.pending = new PendingAcks(deps.ackTimeoutMs);
  }

  async start(): Promise<void> {
    this.deps.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.deps.keys.adminAck) return;
      let ack: AdminAck;
      try {
        ack = adminAckSchema.parse(JSON.parse(message));
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'ignoring an invalid admin ack');
        return;
      }
      this.pending.settle(ack.commandId, ack);
    });
    await this.deps.subscriber.subscribe(this.deps.keys.adminAck);
  }

  async send(workerId: string, action: AdminAction): Promise<AdminAck> {
    const command: AdminCommand = { action, workerId, commandId: randomUUID(), issuedAt: Date.now() };
    const acked = this.pending.wait(command.commandId);
    const receivers = await this.deps.redis.publish(this.deps.keys.adminChannel, JSON.stringify(command));
    if (receivers === 0) {
      this.pending.forget(command.commandId);
      throw new MgmError('WORKER_FAILED', `no worker listens on the admin channel: ${workerId} did not get "${action}"`);
    }
    const ack = await acked;
    if (!ack) {
      throw new MgmError('WORKER_FAILED', `${workerId} did not acknowledge "${action}" within ${this.deps.ackTimeoutMs / 1000} s (is it alive?)`);
    }
    this.deps.logger.info({ workerId, action, ok: ack.ok, state: ack.state }, 'admin command acknowledged');
    return ack;
  }

  async close(): Promise<void> {
    await this.deps.subscriber.quit().catch(() => undefined);
  }
}
