import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  redisKeys,
  supervisorCommandSchema,
  supervisorKeys,
  type SupervisedSlot,
  type SupervisorAck,
  type SupervisorCommand,
  type SupervisorKeys,
} from '@mgm/protocol';
import type { ManagedChild } from './child-process.ts';

/** What a supervisor needs to (re)start the worker of one slot. */
export interface SlotSpec {
  slotId: string;
  /** Checkpoint folder name, for the admin page. */
  checkpoint: string;
  device: string;
  /** A fresh worker id for each start (the old record is gone with the old process). */
  newWorkerId: () => string;
  /** Spawns the worker process with that id. */
  spawn: (workerId: string) => ManagedChild;
}

export interface WorkerSupervisorOptions {
  redisUrl: string;
  redisPrefix: string;
  /** What started the workers, in words, shown on the admin page ("npm run demo"). */
  label: string;
  /** Expiry of the slot records; refreshed every third of it (default 15 s). */
  recordTtlMs?: number;
  /** How long a restarted worker may take to register before its slot counts as running anyway (default 120 s). */
  readyTimeoutMs?: number;
  note: (line: string) => void;
}

interface Slot {
  spec: SlotSpec;
  child: ManagedChild;
  workerId: string;
  state: SupervisedSlot['state'];
  lastExit: string | null;
  restarts: number;
}

/**
 * Keeps the worker slots a launcher started and restarts one on an admin's request, relayed by
 * the controller on the supervisor channel. Each slot's record (with an expiry it refreshes)
 * tells the admin page that this worker can be restarted from there; the command that starts
 * it stays here. A slot whose process exits (stop, drain, crash) is marked stopped and is not
 * restarted on its own: an admin stop means stop.
 */
export class WorkerSupervisor {
  readonly id = `supervisor-${randomBytes(4).toString('hex')}`;
  private readonly slots = new Map<string, Slot>();
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly keys: SupervisorKeys;
  private readonly workerKey: (workerId: string) => string;
  private readonly ttlMs: number;
  private heartbeat: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(private readonly opts: WorkerSupervisorOptions) {
    this.redis = new Redis(opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.subscriber = new Redis(opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.keys = supervisorKeys(opts.redisPrefix);
    this.workerKey = redisKeys(opts.redisPrefix).worker;
    this.ttlMs = opts.recordTtlMs ?? 15_000;
  }

  async start(): Promise<void> {
    await Promise.all([this.redis.connect(), this.subscriber.connect()]);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.keys.commands) void this.onCommand(message);
    });
    await this.subscriber.subscribe(this.keys.commands);
    this.heartbeat = setInterval(() => void this.publishAll(), Math.max(200, Math.floor(this.ttlMs / 3)));
    this.heartbeat.unref();
  }

  /** Takes charge of a worker the launcher already started. */
  async adopt(spec: SlotSpec, child: ManagedChild, workerId: string): Promise<void> {
    const slot: Slot = { spec, child, workerId, state: 'running', lastExit: null, restarts: 0 };
    this.slots.set(spec.slotId, slot);
    this.watch(slot, child);
    await this.publish(slot);
  }

  /** The current process of each slot (the launcher stops them with everything else). */
  children(): ManagedChild[] {
    return [...this.slots.values()].map((slot) => slot.child);
  }

  /** Forgets the slots in Redis (nothing is restartable once the launcher is gone), stops their processes. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    const ids = [...this.slots.keys()];
    if (ids.length > 0) {
      await this.redis
        .multi()
        .del(...ids.map((id) => this.keys.slot(id)))
        .srem(this.keys.slots, ...ids)
        .exec()
        .catch(() => undefined);
    }
    await Promise.all([...this.slots.values()].map((slot) => slot.child.stop()));
    await Promise.all([this.subscriber.quit().catch(() => undefined), this.redis.quit().catch(() => undefined)]);
  }

  private watch(slot: Slot, child: ManagedChild): void {
    void child.exited.then(async (how) => {
      if (slot.child !== child) return;
      slot.state = 'stopped';
      slot.lastExit = how;
      if (this.closing) return;
      this.opts.note(`worker ${slot.workerId} (${slot.spec.slotId}) exited (${how}); it can be restarted from the admin page`);
      await this.publish(slot).catch(() => undefined);
    });
  }

  private async onCommand(message: string): Promise<void> {
    let command: SupervisorCommand;
    try {
      command = supervisorCommandSchema.parse(JSON.parse(message));
    } catch (error) {
      this.opts.note(`ignoring an invalid supervisor command: ${(error as Error).message}`);
      return;
    }
    const slot = this.slots.get(command.slotId);
    if (!slot) return; // another supervisor's slot
    const ack = await this.restart(slot, command);
    await this.redis.publish(this.keys.acks, JSON.stringify(ack)).catch(() => undefined);
  }

  private async restart(slot: Slot, command: SupervisorCommand): Promise<SupervisorAck> {
    const answer = (ok: boolean, refusal: SupervisorAck['refusal'], message: string): SupervisorAck => ({
      commandId: command.commandId,
      slotId: slot.spec.slotId,
      ok,
      refusal,
      workerId: ok ? slot.workerId : null,
      message,
      at: Date.now(),
    });
    if (this.closing) return answer(false, 'SUPERVISOR_STOPPING', `${this.opts.label} is stopping: it starts no worker now`);
    if (slot.state !== 'stopped') {
      return answer(false, 'SLOT_RUNNING', `the worker of ${slot.spec.slotId} is ${slot.state} (${slot.workerId}): stop it first`);
    }
    const workerId = slot.spec.newWorkerId();
    let child: ManagedChild;
    try {
      child = slot.spec.spawn(workerId);
    } catch (error) {
      return answer(false, 'SPAWN_FAILED', `could not start a worker for ${slot.spec.slotId}: ${(error as Error).message}`);
    }
    // A process that cannot start at all (missing binary) ends at once with "error …".
    const early = await Promise.race([child.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 300))]);
    if (early !== null && early.startsWith('error')) {
      return answer(false, 'SPAWN_FAILED', `could not start a worker for ${slot.spec.slotId}: ${early}`);
    }
    slot.child = child;
    slot.workerId = workerId;
    slot.state = early === null ? 'starting' : 'stopped';
    slot.lastExit = early;
    slot.restarts++;
    this.watch(slot, child);
    await this.publish(slot);
    if (early !== null) return answer(false, 'SPAWN_FAILED', `the worker of ${slot.spec.slotId} exited at once (${early}):\n${child.tail()}`);
    this.opts.note(`restarted ${slot.spec.slotId} on request: worker ${workerId} (pid ${child.child.pid})`);
    void this.markRunningWhenRegistered(slot, child);
    return answer(true, null, `started worker ${workerId} (pid ${child.child.pid}) for ${slot.spec.slotId}: it joins once its checkpoint is loaded`);
  }

  private async markRunningWhenRegistered(slot: Slot, child: ManagedChild): Promise<void> {
    const deadline = Date.now() + (this.opts.readyTimeoutMs ?? 120_000);
    while (slot.child === child && slot.state === 'starting' && Date.now() < deadline && !this.closing) {
      if ((await this.redis.exists(this.workerKey(slot.workerId)).catch(() => 0)) === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    if (slot.child === child && slot.state === 'starting') {
      slot.state = 'running';
      await this.publish(slot).catch(() => undefined);
    }
  }

  private record(slot: Slot): SupervisedSlot {
    return {
      slotId: slot.spec.slotId,
      supervisorId: this.id,
      supervisor: this.opts.label,
      checkpoint: slot.spec.checkpoint,
      device: slot.spec.device,
      workerId: slot.workerId,
      state: slot.state,
      pid: slot.state === 'stopped' ? null : (slot.child.child.pid ?? null),
      lastExit: slot.lastExit,
      restarts: slot.restarts,
      updatedAt: Date.now(),
    };
  }

  private async publish(slot: Slot): Promise<void> {
    if (this.closing) return;
    await this.redis
      .multi()
      .set(this.keys.slot(slot.spec.slotId), JSON.stringify(this.record(slot)), 'PX', this.ttlMs)
      .sadd(this.keys.slots, slot.spec.slotId)
      .exec();
  }

  private async publishAll(): Promise<void> {
    await Promise.all([...this.slots.values()].map((slot) => this.publish(slot))).catch((error: unknown) => {
      this.opts.note(`could not refresh the worker slots in Redis: ${(error as Error).message}`);
    });
  }
}
