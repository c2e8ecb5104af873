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
import { DEFAULT_LEADERBOARD_OPTIONS, type LeaderboardOptions } from './leaderboard.ts';
import type { ArenaWeights } from './model-draw.ts';
import { createVoteRoutes } from './vote-routes.ts';
import { VoteStore } from './vote-store.ts';

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
  /** Whether a request carries the admin token or session (the vote export is admin-only). */
  authorizeAdmin: (req: IncomingMessage) => Promise<boolean>;
  logger: Logger;
  /** votes.jsonl goes here. */
  dataDir: string;
  /** Battles expire with their jobs' frames. */
  jobTtlSeconds: number;
  weights: ArenaWeights;
  leaderboard?: LeaderboardOptions;
  random?: () => number;
}

export interface ArenaSetup {
  votes: VoteStore;
  arena: ArenaService;
  /** Puts the vote and leaderboard routes in front of the rest of the HTTP API. */
  withRoutes(next: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void;
  /** Opens the arena's socket.io namespace. */
  attach(io: GatewayServer): void;
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
  const routes = createVoteRoutes({ source, votes, logger, limits: options.limits, authorizeAdmin: options.authorizeAdmin, leaderboard: options.leaderboard ?? DEFAULT_LEADERBOARD_OPTIONS });
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
      attachArenaGateway(io, { arena, relay: options.relay, limits: options.limits, logger });
    },
  };
}
