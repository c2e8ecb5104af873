import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisKeys } from '@mgm/protocol';
import type { FrameRelay } from '../frame-relay.ts';
import type { JobDispatcher } from '../job-dispatcher.ts';
import type { GatewayServer } from '../socket-gateway.ts';
import type { ClientLimits } from '../limits/index.ts';
import type { WorkerLabels } from '../worker-labels.ts';
import type { WorkerRegistry } from '../worker-registry.ts';
import { attachArenaGateway } from './arena-gateway.ts';
import { ArenaService } from './arena-service.ts';
import { BattleStore } from './battle-store.ts';
import { DEFAULT_LEADERBOARD_OPTIONS, leaderboardOfSummary, type LeaderboardOptions } from './leaderboard.ts';
import { LeaderboardCache } from './leaderboard-cache.ts';
import { createLeaderboardThread } from './leaderboard-thread.ts';
import type { ArenaWeights } from './model-draw.ts';
import { createVoteRoutes } from './vote-routes.ts';
import { VoteStore } from './vote-store.ts';
import type { DepartedClients } from '../departed-clients.ts';

export interface ArenaSetupOptions {
  redis: Redis;
  keys: RedisKeys;
  registry: WorkerRegistry;
  dispatcher: JobDispatcher;
  relay: FrameRelay;
  /** Opaque worker labels for the reveal after a vote. */
  labels: WorkerLabels;
  /** Per-client limits on battles, questions and votes; null: none. */
  limits: ClientLimits | null;
  /** Queued jobs of clients that left and did not come back are cancelled; null: never. */
  departed?: DepartedClients | null;
  /** Whether a request carries the admin token or session (the vote export is admin-only). */
  authorizeAdmin: (req: IncomingMessage) => Promise<boolean>;
  logger: Logger;
  /** votes.jsonl goes here. */
  dataDir: string;
  /** Battles expire with their jobs' frames. */
  jobTtlSeconds: number;
  weights: ArenaWeights;
  leaderboard?: LeaderboardOptions;
  /** Least time between two leaderboard computations (default 5 s). */
  leaderboardRefreshMs?: number;
  random?: () => number;
}

export interface ArenaSetup {
  votes: VoteStore;
  arena: ArenaService;
  /** Puts the vote and leaderboard routes in front of the rest of the HTTP API. */
  withRoutes(next: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void;
  /** Opens the arena's socket.io namespace. */
  attach(io: GatewayServer): void;
  /** Stops the leaderboard's thread. */
  close(): Promise<void>;
}

/** Builds compare votes, the arena and the leaderboard on top of the serving core. */
export async function createArena(options: ArenaSetupOptions): Promise<ArenaSetup> {
  const logger = options.logger.child({ component: 'arena' });
  const votes = await VoteStore.open(options.dataDir, logger);
  const source = { redis: options.redis, keys: options.keys, dispatcher: options.dispatcher };
  const arena = new ArenaService({
    ...source,
    registry: options.registry,
    battles: new BattleStore(options.redis, options.keys, options.jobTtlSeconds),
    votes,
    weights: options.weights,
    labels: options.labels,
    random: options.random ?? (() => randomInt(2 ** 47) / 2 ** 47),
    logger,
  });
  const boardOptions = options.leaderboard ?? DEFAULT_LEADERBOARD_OPTIONS;
  const thread = createLeaderboardThread(boardOptions, logger);
  const leaderboard = new LeaderboardCache({
    votes,
    // Without battles there is nothing to fit: no thread for that.
    compute: async (summary) => (summary.battles.length === 0 ? leaderboardOfSummary(summary, boardOptions) : thread.compute(summary)),
    refreshMs: options.leaderboardRefreshMs ?? 5000,
    logger,
  });
  leaderboard.prime();
  const routes = createVoteRoutes({ source, votes, logger, limits: options.limits, authorizeAdmin: options.authorizeAdmin, leaderboard });
  return {
    votes,
    arena,
    withRoutes: (next) => (req, res) => {
      routes(req, res).then(
        (handled) => {
          if (!handled) next(req, res);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'vote route failed');
          if (!res.headersSent) res.writeHead(500).end();
        },
      );
    },
    attach: (io) => {
      attachArenaGateway(io, { arena, relay: options.relay, limits: options.limits, departed: options.departed ?? null, logger });
    },
    close: async () => {
      leaderboard.close();
      await thread.close();
    },
  };
}
