import type { Logger } from 'pino';
import { leaderboardResponseSchema, type LeaderboardResponse } from '@mgm/protocol';
import { siblingModule } from '../threads/module-worker.ts';
import { WorkerPool } from '../threads/worker-pool.ts';
import type { LeaderboardOptions, VoteSummary } from './leaderboard.ts';
import { encodeVoteSummary } from './vote-summary-message.ts';

export interface LeaderboardThread {
  compute(summary: VoteSummary): Promise<LeaderboardResponse>;
  close(): Promise<void>;
}

/**
 * Computes leaderboards in one worker thread (20 000 votes take about a second of CPU: 200
 * bootstrap fits). One at a time: the cache never asks for two. The thread exits when idle.
 */
export function createLeaderboardThread(options: LeaderboardOptions, logger: Logger): LeaderboardThread {
  const pool = new WorkerPool<LeaderboardResponse>({
    name: 'leaderboard',
    entry: siblingModule(import.meta.url, 'leaderboard-worker'),
    threads: 1,
    maxQueue: 0,
    idleExitMs: 60_000,
    parseResult: (result) => leaderboardResponseSchema.parse(result),
    logger,
  });
  return {
    compute: (summary) => {
      const { message, transfer } = encodeVoteSummary(summary, options);
      return pool.run(message, transfer);
    },
    close: () => pool.close(),
  };
}
