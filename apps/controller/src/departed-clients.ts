import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisKeys } from '@mgm/protocol';
import type { JobDispatcher } from './job-dispatcher.ts';
import { PeriodicSweep } from './periodic-sweep.ts';

/** Takes the job ids whose grace ended (score <= now), at most ARGV[2], off the set: the caller owns them. */
const TAKE_DUE_LUA = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due
`;

export interface DepartedClientsOptions {
  redis: Redis;
  keys: RedisKeys;
  dispatcher: JobDispatcher;
  logger: Logger;
  /** How long a client that left may take to come back (resume) before its queued jobs are removed. */
  graceMs: number;
  /** How often the jobs whose grace ended are looked for. */
  intervalMs: number;
  /** A queued job removed because its client left. */
  onRemoved?: () => void;
}

/**
 * Jobs of clients that left: when a socket that follows answers disconnects, each answer it still
 * waited for is noted in Redis with a deadline (now + grace); a `resume` of it, on any controller,
 * clears the note. Past the deadline a job still queued is taken off the queue (nobody will read
 * it: no worker time is spent on it) and its stream ends with CANCELLED; a job already running
 * is left to finish, so a client that comes back later still finds its answer.
 */
export class DepartedClients {
  private readonly loop: PeriodicSweep;

  constructor(private readonly options: DepartedClientsOptions) {
    this.loop = new PeriodicSweep(() => this.sweep(), { intervalMs: this.options.intervalMs, logger: this.options.logger, what: 'departed-client sweep' });
  }

  start(): void {
    this.loop.start();
  }

  close(): Promise<void> {
    return this.loop.close();
  }

  /** A client stopped following these jobs without their end (its connection closed). */
  async left(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    const deadline = Date.now() + this.options.graceMs;
    await this.options.redis.zadd(this.options.keys.departedJobs, ...jobIds.flatMap((jobId) => [deadline, jobId]));
  }

  /** A client follows the job again (resume): it is wanted. */
  async returned(jobId: string): Promise<void> {
    await this.options.redis.zrem(this.options.keys.departedJobs, jobId);
  }

  /** Removes the queued jobs whose grace ended; answers how many it removed. */
  async sweep(now = Date.now()): Promise<number> {
    const { redis, keys, dispatcher, logger, graceMs } = this.options;
    let removed = 0;
    for (;;) {
      const due = (await redis.eval(TAKE_DUE_LUA, 1, keys.departedJobs, now, 100)) as string[];
      for (const jobId of due) {
        const meta = await dispatcher.meta(jobId);
        if (!meta) continue;
        const gone = await dispatcher.removeQueued(meta, {
          type: 'error',
          code: 'CANCELLED',
          message: `the client left and did not come back within ${Math.round(graceMs / 1000)} s, so the question was taken off the queue before it started`,
        });
        if (!gone) continue;
        removed += 1;
        this.options.onRemoved?.();
        logger.info({ jobId, model: meta.model }, 'removed a queued job whose client left');
      }
      if (due.length < 100) return removed;
    }
  }
}
