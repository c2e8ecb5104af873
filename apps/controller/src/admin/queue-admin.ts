import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  MgmError,
  decodeFrameEntry,
  jobPayloadSchema,
  jobResultSchema,
  type AdminJob,
  type JobResult,
  type QueueCounts,
  type RedisKeys,
} from '@mgm/protocol';
import { failureFrame, type JobDispatcher } from '../job-dispatcher.ts';

export interface QueueAdminDeps {
  redis: Redis;
  keys: RedisKeys;
  dispatcher: JobDispatcher;
  logger: Logger;
}

/** At most this many failed jobs are retried or cleared by one action. */
const MAX_FAILED_PER_ACTION = 1000;

/** The admin's view of and hands on the BullMQ queues: counts, last jobs, pause, retry, clear. */
export class QueueAdmin {
  constructor(private readonly deps: QueueAdminDeps) {}

  async counts(model: string): Promise<{ counts: QueueCounts; paused: boolean }> {
    const queue = this.deps.dispatcher.queue(model);
    const [raw, paused] = await Promise.all([
      queue.getJobCounts('waiting', 'paused', 'prioritized', 'active', 'delayed', 'completed', 'failed'),
      queue.isPaused(),
    ]);
    const n = (key: string) => raw[key] ?? 0;
    return {
      counts: { waiting: n('waiting') + n('paused') + n('prioritized'), active: n('active'), delayed: n('delayed'), completed: n('completed'), failed: n('failed') },
      paused,
    };
  }

  /** The model's newest jobs of each state, merged, newest first. */
  async recentJobs(model: string, limit: number): Promise<AdminJob[]> {
    const queue = this.deps.dispatcher.queue(model);
    const end = limit - 1;
    const [active, waiting, delayed, completed, failed] = await Promise.all([
      queue.getJobs(['active'], 0, end, false),
      queue.getJobs(['waiting', 'prioritized', 'paused'], 0, end, false),
      queue.getJobs(['delayed'], 0, end, false),
      queue.getJobs(['completed'], 0, end, false),
      queue.getJobs(['failed'], 0, end, false),
    ]);
    const tagged: Array<[Job, AdminJob['state']]> = [
      ...active.map((job): [Job, AdminJob['state']] => [job, 'active']),
      ...waiting.map((job): [Job, AdminJob['state']] => [job, 'waiting']),
      ...delayed.map((job): [Job, AdminJob['state']] => [job, 'delayed']),
      ...completed.map((job): [Job, AdminJob['state']] => [job, 'completed']),
      ...failed.map((job): [Job, AdminJob['state']] => [job, 'failed']),
    ].filter(([job]) => job !== undefined && job !== null);
    const newest = tagged
      .sort(([a], [b]) => lastMoment(b) - lastMoment(a))
      .slice(0, limit);
    const needWorker = newest.filter(([job, state]) => state !== 'waiting' && state !== 'delayed' && resultOf(job) === null);
    const workers = await this.workersFromStreams(needWorker.map(([job]) => jobIdOf(job)));
    return newest.map(([job, state]) => toAdminJob(model, job, state, workers.get(jobIdOf(job)) ?? null));
  }

  async pause(model: string): Promise<void> {
    await this.deps.dispatcher.queue(model).pause();
  }

  async resume(model: string): Promise<void> {
    await this.deps.dispatcher.queue(model).resume();
  }

  /**
   * Runs failed jobs again (one, or all of the model's). The job's old frames are deleted first:
   * the worker would otherwise see the old error frame and skip the job as already answered.
   */
  async retryFailed(model: string, jobId?: string): Promise<number> {
    const queue = this.deps.dispatcher.queue(model);
    let jobs: Job[];
    if (jobId !== undefined) {
      const job = await queue.getJob(jobId);
      if (!job) throw new MgmError('JOB_NOT_FOUND', `no job ${jobId} in the queue of ${model}`);
      const state = await job.getState();
      if (state !== 'failed') throw new MgmError('BAD_REQUEST', `job ${jobId} is ${state}, not failed: only failed jobs can be retried`);
      jobs = [job];
    } else {
      jobs = (await queue.getJobs(['failed'], 0, MAX_FAILED_PER_ACTION - 1)).filter(Boolean);
    }
    let retried = 0;
    for (const job of jobs) {
      const id = jobIdOf(job);
      await this.deps.redis.del(this.deps.keys.jobStream(id), this.deps.keys.jobCancel(id));
      try {
        await job.retry('failed');
        retried += 1;
      } catch (error) {
        // Someone else retried or removed it meanwhile.
        this.deps.logger.warn({ err: error, jobId: id, model }, 'could not retry a failed job');
      }
    }
    return retried;
  }

  async clearFailed(model: string): Promise<number> {
    const removed = await this.deps.dispatcher.queue(model).clean(0, MAX_FAILED_PER_ACTION, 'failed');
    return removed.length;
  }

  /** Models that have a queue in Redis (so a restarted controller also shows queues without workers). */
  async discoverModels(): Promise<string[]> {
    const prefix = `${this.deps.keys.bullPrefix}:model-`;
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.deps.redis.scan(cursor, 'MATCH', `${prefix}*:meta`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) found.add(key.slice(prefix.length, -':meta'.length));
    } while (cursor !== '0');
    return [...found].sort();
  }

  /** The worker that started each job, from the first frame of its stream. */
  private async workersFromStreams(jobIds: string[]): Promise<Map<string, string>> {
    const workers = new Map<string, string>();
    if (jobIds.length === 0) return workers;
    const pipeline = this.deps.redis.pipeline();
    for (const id of jobIds) pipeline.xrange(this.deps.keys.jobStream(id), '-', '+', 'COUNT', 1);
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, entries], index) => {
      const jobId = jobIds[index]!;
      const first = !error && Array.isArray(entries) ? (entries as [string, string[]][])[0] : undefined;
      if (!first) return;
      try {
        const frame = decodeFrameEntry(jobId, first[0], first[1]);
        if (frame.type === 'start') workers.set(jobId, frame.workerId);
      } catch {
        // An unreadable frame: the row shows no worker.
      }
    });
    return workers;
  }
}

function jobIdOf(job: Job): string {
  return String(job.id);
}

function lastMoment(job: Job): number {
  return job.finishedOn ?? job.processedOn ?? job.timestamp;
}

function resultOf(job: Job): JobResult | null {
  const parsed = jobResultSchema.safeParse(job.returnvalue);
  return parsed.success ? parsed.data : null;
}

function toAdminJob(model: string, job: Job, state: AdminJob['state'], streamWorker: string | null): AdminJob {
  const payload = jobPayloadSchema.safeParse(job.data);
  const enqueuedAt = payload.success ? payload.data.enqueuedAt : job.timestamp;
  const result = state === 'completed' ? resultOf(job) : null;
  const failure = state === 'failed' ? failureFrame(job.failedReason ?? 'unknown failure') : null;
  const startedAt = job.processedOn ?? null;
  return {
    jobId: jobIdOf(job),
    model,
    state,
    workerId: result?.workerId ?? streamWorker,
    enqueuedAt,
    startedAt,
    finishedAt: job.finishedOn ?? null,
    finishReason: result?.finishReason ?? null,
    promptTokens: result ? result.tokens.prompt + result.tokens.visual : null,
    generatedTokens: result?.tokens.generated ?? null,
    queueMs: result?.timingsMs.queue ?? (startedAt !== null ? Math.max(0, startedAt - enqueuedAt) : null),
    ttftMs: result?.timingsMs.ttft ?? null,
    totalMs: result ? result.timingsMs.queue + result.timingsMs.total : job.finishedOn && startedAt ? job.finishedOn - enqueuedAt : null,
    tokensPerSecond: result?.tokensPerSecond ?? null,
    errorCode: failure?.type === 'error' ? failure.code : null,
    error: failure?.type === 'error' ? failure.message : null,
    attempts: job.attemptsMade,
  };
}
