import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisKeys, UnsequencedFrame } from '@mgm/protocol';
import type { JobDispatcher } from './job-dispatcher.ts';
import type { WorkerRegistry } from './worker-registry.ts';
import { PeriodicSweep } from './periodic-sweep.ts';

/**
 * Active jobs of one queue whose worker is dead: the job names its worker (BullMQ's processedBy,
 * the worker's id) and that worker's record has expired, while the job's lock is still held (the
 * lock would only lapse after BullMQ's lock duration). A job without a name or a lock is left to
 * BullMQ's stalled-job check.
 * KEYS = [active list]; ARGV = [job key prefix, worker record key prefix]. Answers [[jobId, worker, token]...].
 */
const ORPHANED_JOBS_LUA = `
local found = {}
for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local owner = redis.call('HGET', ARGV[1] .. id, 'pb')
  if owner and redis.call('EXISTS', ARGV[2] .. owner) == 0 then
    local token = redis.call('GET', ARGV[1] .. id .. ':lock')
    if token then table.insert(found, {id, owner, token}) end
  end
end
return found
`;

/** A scan of the active jobs slower than this, or checks this far apart, mean Redis (or this process) stalled. */
const STALL_MS = 1000;
/**
 * After a stall, records may have expired only because nobody could renew them: the failover
 * waits this long, with Redis answering, for the live workers to write them again (their
 * keep-alive thread does within one beat) before it believes an expired record.
 */
const SETTLE_AFTER_STALL_MS = 2000;

export type FailoverOutcome = 'restarted' | 'no_worker' | 'worker_failed';

export interface WorkerFailoverOptions {
  redis: Redis;
  keys: RedisKeys;
  dispatcher: JobDispatcher;
  registry: WorkerRegistry;
  logger: Logger;
  /** How often the active jobs are checked against the live worker records. */
  intervalMs: number;
  /** A job restarts at most this often after its worker died; then it ends with WORKER_FAILED. */
  maxRestarts: number;
  /** How long a job's records are kept (the failover count lives that long). */
  jobTtlSeconds: number;
  onOutcome?: (outcome: FailoverOutcome) => void;
}

/**
 * Acts on worker deaths as soon as the worker's record expires (a few seconds: the worker keeps
 * it alive from a thread) instead of waiting for BullMQ's lock to lapse: a job whose worker died
 * goes back to the front of its queue for another worker of the model (the client sees a second
 * `start`, as with any restart), or, when no live worker serves the model, ends with NO_WORKER.
 * The move checks the dead worker's lock token, so of several controllers one acts; the dead
 * worker, should it come back, finds its lock gone and writes nothing more (its frames are
 * fenced by that lock, and BullMQ refuses its completion). After Redis (or this process) stalled,
 * records that expired for want of renewal are not believed until the workers had time to renew.
 */
export class WorkerFailover {
  private readonly loop: PeriodicSweep;
  private lastScanEndedAt = 0;
  private trustRecordsAfter = 0;

  constructor(private readonly options: WorkerFailoverOptions) {
    this.loop = new PeriodicSweep(() => this.check(), { intervalMs: this.options.intervalMs, logger: this.options.logger, what: 'failover check' });
  }

  start(): void {
    this.loop.start();
  }

  close(): Promise<void> {
    return this.loop.close();
  }

  async check(): Promise<void> {
    const { redis, keys, dispatcher, registry } = this.options;
    let served: Set<string> | null = null;
    const models = dispatcher.watchedModels();
    if (models.length === 0) this.lastScanEndedAt = Date.now();
    for (const model of models) {
      const queue = dispatcher.queue(model);
      const startedAt = Date.now();
      const orphans = (await redis.eval(ORPHANED_JOBS_LUA, 1, queue.keys.active!, queue.toKey(''), keys.worker(''))) as [string, string, string][];
      const endedAt = Date.now();
      const stalled = endedAt - startedAt > STALL_MS || (this.lastScanEndedAt > 0 && startedAt - this.lastScanEndedAt > STALL_MS + this.options.intervalMs);
      this.lastScanEndedAt = endedAt;
      if (stalled) {
        this.trustRecordsAfter = endedAt + SETTLE_AFTER_STALL_MS;
        this.options.logger.warn({ scanMs: endedAt - startedAt }, 'Redis or this controller stalled: expired worker records are not trusted for a moment');
      }
      if (orphans.length === 0 || endedAt < this.trustRecordsAfter) continue;
      served ??= new Set((await registry.list()).filter((w) => w.state !== 'draining').map((w) => w.model));
      for (const [jobId, workerId, token] of orphans) {
        await this.handOver(model, jobId, workerId, token, served.has(model)).catch((error: unknown) =>
          this.options.logger.warn({ err: error, jobId, workerId, model }, 'could not hand over the job of a dead worker'),
        );
      }
    }
  }

  private async handOver(model: string, jobId: string, workerId: string, token: string, served: boolean): Promise<void> {
    const { redis, keys, dispatcher, logger, maxRestarts, jobTtlSeconds } = this.options;
    // One controller claims each death (the lock token is unique per start of the job).
    const failoversKey = keys.jobFailovers(jobId);
    const replies = await redis.multi().sadd(failoversKey, token).scard(failoversKey).expire(failoversKey, jobTtlSeconds).exec();
    if (replies?.[0]?.[1] !== 1) return;
    const deaths = Number(replies[1]?.[1]);
    const job: Job | undefined = await dispatcher.queue(model).getJob(jobId);
    if (!job) return;
    const log = logger.child({ jobId, model, workerId, deaths });
    if (served && deaths <= maxRestarts) {
      await job.moveToWait(token);
      log.warn('the worker of the job died (its record expired): the job goes back to the queue for another worker');
      this.options.onOutcome?.('restarted');
      return;
    }
    const frame: Extract<UnsequencedFrame, { type: 'error' }> = served
      ? { type: 'error', code: 'WORKER_FAILED', message: `the workers answering this died ${deaths} times (crashed or were killed); please try again` }
      : { type: 'error', code: 'NO_WORKER', message: `the worker answering this died and no other worker serves ${model}; please try again when one is back` };
    // The frame first, then the move: the failure BullMQ reports then finds the stream ended.
    await dispatcher.endWith(jobId, frame);
    await job.moveToFailed(new Error(`${frame.code}: ${frame.message}`), token);
    log.warn({ code: frame.code }, 'the worker of the job died (its record expired): ended the job');
    this.options.onOutcome?.(served ? 'worker_failed' : 'no_worker');
  }
}
