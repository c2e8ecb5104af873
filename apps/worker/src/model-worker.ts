import { hostname } from 'node:os';
import { WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  adminCommandSchema,
  queueNameForModel,
  type AdminAck,
  type AdminCommand,
  type Capability,
  type ModelEvaluation,
  type JobResult,
  type RedisConnectionOptions,
  type RedisKeys,
  type WorkerRecord,
  type WorkerState,
} from '@mgm/protocol';
import { jobCapacity } from './batch-gate.ts';
import { ImageBytesCache } from './image-bytes-cache.ts';
import type { JobExtras } from './job-extras.ts';
import { runJob } from './job-runner.ts';
import { TickPipeline } from './tick-pipeline.ts';
import type { ServingModel } from './serving-model.ts';
import { WorkerRegistration } from './worker-registration.ts';
import { WorkerStats } from './worker-stats.ts';

export interface ModelWorkerOptions {
  model: ServingModel;
  /** Commands, records and frames. */
  redis: Redis;
  /** Makes the extra connections BullMQ and the admin subscriber need (closed by `close`). */
  connect: (role: 'bullmq' | 'admin') => Redis;
  keys: RedisKeys;
  logger: Logger;
  workerId: string;
  checkpoint: string;
  displayName: string;
  capabilities: Capability[];
  /** The checkpoint's measured evaluation (manifest `eval`), published in the record. */
  evaluation?: ModelEvaluation | null;
  /** Jobs at a time: the model's max batch when it batches (then also bounded by its KV budget). */
  concurrency: number;
  heartbeatMs: number;
  recordTtlMs: number;
  /** Keeps the record alive from a thread (see RecordKeepAlive); used when the registration is made here. */
  keepAlive?: { connection: RedisConnectionOptions; intervalMs: number };
  /** BullMQ job lock: a worker that dies loses its job after this long. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** SIGTERM / drain: how long the in-flight jobs may run before they are handed back. */
  drainTimeoutMs: number;
  streamTtlSeconds: number;
  /** Least time between two delta frames of a job; tokens of the wait travel together (default 0). */
  deltaIntervalMs?: number;
  /** OCR and image generation for the jobs that ask (params.useOcr / params.generateImage). */
  extras?: JobExtras;
  /** MB of uploaded images kept after a job read them (see ImageBytesCache); 0 or absent: none. */
  imageCacheMb?: number;
  /** A registration already published while the model loaded (state loading); made here when absent. */
  registration?: WorkerRegistration;
  /** Called once the worker has shut down after a drain or stop command. */
  onExit?: (reason: 'drain' | 'stop') => void;
}

interface ActiveJob {
  abort: AbortController;
  handBack: boolean;
}

/**
 * One checkpoint serving one BullMQ queue: registers and heartbeats its record, pulls jobs
 * (competing with the other workers of the model), streams frames, obeys admin commands.
 */
export class ModelWorker {
  readonly id: string;
  readonly registration: WorkerRegistration;
  private readonly stats = new WorkerStats();
  private readonly active = new Map<string, ActiveJob>();
  private bull: Worker | null = null;
  private bullConnection: Redis | null = null;
  private admin: Redis | null = null;
  private state: WorkerState = 'loading';
  private closing: Promise<void> | null = null;
  private readonly logger: Logger;
  private readonly framePipeline: TickPipeline;
  private readonly imageCache: ImageBytesCache | undefined;

  constructor(private readonly options: ModelWorkerOptions) {
    this.id = options.workerId;
    this.logger = options.logger.child({ workerId: this.id, model: options.model.info.name });
    this.framePipeline = new TickPipeline(options.redis);
    this.imageCache = options.imageCacheMb ? new ImageBytesCache(Math.round(options.imageCacheMb * 1024 * 1024)) : undefined;
    this.registration = options.registration ?? new WorkerRegistration({
      redis: options.redis,
      keys: options.keys,
      logger: this.logger,
      ttlMs: options.recordTtlMs,
      heartbeatMs: options.heartbeatMs,
      ...(options.keepAlive ? { keepAlive: options.keepAlive } : {}),
      initial: this.buildRecord('loading'),
    });
    this.registration.live = () => this.liveFields();
  }

  get currentState(): WorkerState {
    return this.state;
  }

  async start(): Promise<void> {
    const { options } = this;
    if (!options.registration) await this.registration.start();
    this.admin = options.connect('admin');
    this.admin.on('message', (_channel: string, message: string) => this.onAdminMessage(message));
    await this.admin.subscribe(options.keys.adminChannel);

    this.bullConnection = options.connect('bullmq');
    this.bull = new Worker(
      queueNameForModel(options.model.info.name),
      (job: Job, token?: string) => this.process(job, token),
      {
        connection: this.bullConnection,
        prefix: options.keys.bullPrefix,
        // Recorded on each job it takes (processedBy): the controller hands a job whose worker's record expired to another worker.
        name: this.id,
        concurrency: options.concurrency,
        lockDuration: options.lockDurationMs,
        stalledInterval: options.stalledIntervalMs,
        maxStalledCount: 1,
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 1000 },
      },
    );
    this.bull.on('error', (error) => this.logger.error({ err: error }, 'BullMQ worker error'));
    this.updateCapacity();
    await this.bull.waitUntilReady();
    this.state = 'ready';
    await this.registration.update({ ...this.buildRecord('ready'), startedAt: this.registration.current.startedAt });
    this.logger.info({ queue: queueNameForModel(options.model.info.name), concurrency: options.concurrency }, 'worker ready');
  }

  /** Takes no new job; the in-flight ones finish. */
  async pause(): Promise<void> {
    if (this.state !== 'ready' || !this.bull) return;
    await this.bull.pause(true);
    this.state = 'paused';
    await this.registration.update({ state: 'paused' });
  }

  async resume(): Promise<void> {
    if (this.state !== 'paused' || !this.bull) return;
    this.bull.resume();
    this.state = 'ready';
    await this.registration.update({ state: 'ready' });
  }

  /**
   * Graceful shutdown (SIGTERM, drain): takes no new job, lets the in-flight ones finish for up
   * to drainTimeoutMs, hands back whatever still runs, then deregisters and closes.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown(this.options.drainTimeoutMs);
    return this.closing;
  }

  /** Immediate shutdown (admin stop): hands the in-flight jobs back to the queue at once. */
  stop(): Promise<void> {
    this.closing ??= this.shutdown(0);
    return this.closing;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    this.logger.info({ inFlight: this.active.size, timeoutMs }, 'shutting down');
    this.state = 'draining';
    await this.registration.update({ state: 'draining' }).catch(() => undefined);
    const bull = this.bull;
    if (bull) {
      const closed = bull.close();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        closed.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut && this.active.size > 0) {
        this.logger.warn({ inFlight: this.active.size }, 'handing the in-flight jobs back to the queue');
        for (const job of this.active.values()) {
          job.handBack = true;
          job.abort.abort('hand back');
        }
      }
      await closed;
    }
    await this.registration.deregister();
    if (this.admin) {
      await this.admin.quit().catch(() => undefined);
    }
    if (this.bullConnection) await this.bullConnection.quit().catch(() => undefined);
    this.logger.info('worker closed');
  }

  private async process(job: Job, token?: string): Promise<JobResult | null> {
    // BullMQ's pending blocking fetch can still deliver a job after pause(): give it straight back.
    if (this.state === 'paused' || this.state === 'draining') {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const active: ActiveJob = { abort: new AbortController(), handBack: false };
    const key = String(job.id);
    this.active.set(key, active);
    this.updateCapacity();
    try {
      return await runJob(
        {
          redis: this.options.redis,
          keys: this.options.keys,
          model: this.options.model,
          workerId: this.id,
          stats: this.stats,
          logger: this.logger,
          streamTtlSeconds: this.options.streamTtlSeconds,
          deltaIntervalMs: this.options.deltaIntervalMs ?? 0,
          extras: this.options.extras,
          framePipeline: this.framePipeline,
          ...(this.imageCache ? { imageCache: this.imageCache } : {}),
          // The record's in-flight count, published once the first token is out: off the path to it.
          onStarted: () => setImmediate(() => void this.registration.publish().catch(() => undefined)),
        },
        job,
        token,
        { signal: active.abort.signal, handBackRequested: () => active.handBack },
      );
    } finally {
      this.active.delete(key);
      // Before BullMQ hears that this job ended, so its next fetch sees the room it left.
      this.updateCapacity();
      void this.registration.publish().catch(() => undefined);
    }
  }

  /** BullMQ's concurrency follows the batch: free slots whose worst case fits the KV budget. */
  private updateCapacity(): void {
    const stats = this.options.model.batchStats?.();
    if (!stats || !this.bull) return;
    const capacity = Math.min(this.options.concurrency, jobCapacity(stats, this.active.size, this.options.model.info.contextLength));
    if (this.bull.concurrency !== capacity) this.bull.concurrency = capacity;
  }

  private onAdminMessage(message: string): void {
    let command;
    try {
      command = adminCommandSchema.parse(JSON.parse(message));
    } catch (error) {
      this.logger.warn({ err: error }, 'ignoring an invalid admin command');
      return;
    }
    if (command.workerId !== '*' && command.workerId !== this.id) return;
    this.logger.info({ action: command.action, commandId: command.commandId }, 'admin command');
    this.apply(command).catch((error: unknown) => {
      this.logger.error({ err: error, action: command.action }, 'admin command failed');
      void this.acknowledge(command, false, `${command.action} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private async apply(command: AdminCommand): Promise<void> {
    const { action } = command;
    switch (action) {
      case 'pause':
      case 'resume': {
        const before = this.state;
        await (action === 'pause' ? this.pause() : this.resume());
        const wanted = action === 'pause' ? 'paused' : 'ready';
        const ok = this.state === wanted;
        const message = before === wanted ? `${this.id} was already ${wanted}` : ok ? `${this.id} is ${wanted}` : `${this.id} is ${before}: it cannot ${action} now`;
        return this.acknowledge(command, ok, message);
      }
      case 'drain':
      case 'stop': {
        // Acknowledged once the worker takes no new job (state draining), before it finishes and exits.
        const done = action === 'drain' ? this.close() : this.stop();
        await this.acknowledge(
          command,
          true,
          action === 'drain' ? `${this.id} is draining: it finishes its ${this.active.size} job(s) in flight, then exits` : `${this.id} is stopping: jobs in flight go back to the queue`,
        );
        await done;
        return this.options.onExit?.(action);
      }
    }
  }

  /** Answers an admin command on the ack channel (best effort: the command itself already applied). */
  private async acknowledge(command: AdminCommand, ok: boolean, message: string): Promise<void> {
    const ack: AdminAck = { commandId: command.commandId, workerId: this.id, action: command.action, ok, state: this.state, message, at: Date.now() };
    await this.options.redis.publish(this.options.keys.adminAck, JSON.stringify(ack)).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not acknowledge an admin command');
    });
  }

  private liveFields(): Partial<WorkerRecord> {
    return {
      state: this.state,
      inFlight: this.active.size,
      jobsDone: this.stats.jobsDone,
      jobsFailed: this.stats.jobsFailed,
      tokensPerSecond: this.stats.tokensPerSecond,
      ttftMsMedian: this.stats.ttftMsMedian,
      ...this.batchFields(),
    };
  }

  private batchFields(): Pick<WorkerRecord, 'batch'> {
    const stats = this.options.model.batchStats?.();
    if (!stats) return {};
    return { batch: { ...stats, waiting: Math.max(stats.waiting, this.active.size - stats.running) } };
  }

  private buildRecord(state: WorkerState): WorkerRecord {
    const { model, checkpoint, displayName, capabilities, concurrency, evaluation } = this.options;
    const info = model.info;
    const now = Date.now();
    return {
      id: this.id,
      model: info.name,
      displayName,
      architecture: info.architecture,
      capabilities,
      checkpoint,
      device: info.device,
      executionProvider: info.executionProvider,
      dtype: info.dtype,
      lrSize: info.lrSize,
      hrSize: info.hrSize,
      visualTokens: info.visualTokens,
      contextLength: info.contextLength,
      template: info.template,
      evaluation: evaluation ?? null,
      state,
      inFlight: this.active.size,
      concurrency,
      jobsDone: this.stats.jobsDone,
      jobsFailed: this.stats.jobsFailed,
      tokensPerSecond: this.stats.tokensPerSecond,
      ttftMsMedian: this.stats.ttftMsMedian,
      memoryRss: process.memoryUsage.rss(),
      ...this.batchFields(),
      host: hostname(),
      pid: process.pid,
      startedAt: now,
      heartbeatAt: now,
    };
  }
}
