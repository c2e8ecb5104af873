import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisKeys } from '@mgm/protocol';
import type { JobDispatcher } from '../job-dispatcher.ts';
import type { GatewayServer } from '../socket-gateway.ts';
import { AdminAuth } from './admin-auth.ts';
import { AdminMonitor } from './admin-monitor.ts';
import { attachAdminNamespace } from './admin-namespace.ts';
import { createAdminRoutes, type LoginGuard } from './admin-routes.ts';
import { JobEvents } from './job-events.ts';
import { QueueAdmin } from './queue-admin.ts';
import { SeriesStore } from './series-store.ts';
import { ServingMetrics } from './serving-metrics.ts';
import { SupervisedSlots } from './supervised-slots.ts';
import { WorkerCommands } from './worker-commands.ts';

export interface AdminOptions {
  /** ADMIN_TOKEN; null disables admin (every admin route and the namespace answer 401). */
  token: string | null;
  /** Default 12 h. */
  sessionTtlSeconds?: number;
  /** Snapshot and push period (default 1000 ms). */
  pushIntervalMs?: number;
  /** Chart sample period (default 5000 ms); the charts cover 15 minutes. */
  sampleIntervalMs?: number;
  /** How long a dead worker stays listed after its record expired (default 30 s). */
  deadRetentionMs?: number;
  /** How long to wait for a worker to acknowledge a command (default 5000 ms). */
  ackTimeoutMs?: number;
  /** How long to wait for a supervisor to answer a restart (default 10 000 ms). */
  restartAckTimeoutMs?: number;
  /** Jobs listed per model (default 20). */
  jobsPerModel?: number;
  /** Process metrics of the controller on /metrics (default true). */
  defaultMetrics?: boolean;
}

export interface AdminSetupDeps {
  redis: Redis;
  connect: (role: string) => Redis;
  keys: RedisKeys;
  dispatcher: JobDispatcher;
  logger: Logger;
  /** Per-IP ceiling of failed admin logins. */
  loginGuard?: LoginGuard;
}

export interface AdminSetup {
  readonly auth: AdminAuth;
  readonly monitor: AdminMonitor;
  readonly metrics: ServingMetrics;
  /** Puts the admin routes, /metrics and /readyz in front of the rest of the HTTP API. */
  withRoutes(next: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void;
  /** Opens the `/admin` socket.io namespace. */
  attach(io: GatewayServer): void;
  close(): Promise<void>;
}

export const SERIES_WINDOW_MS = 15 * 60 * 1000;

/** Builds the admin side of the controller: auth, monitor, metrics, routes and the live namespace. */
export async function createAdmin(options: AdminOptions, deps: AdminSetupDeps): Promise<AdminSetup> {
  const logger = deps.logger.child({ component: 'admin' });
  const { redis, keys } = deps;
  const auth = new AdminAuth({ redis, keys, token: options.token, sessionTtlSeconds: options.sessionTtlSeconds ?? 12 * 3600 });
  const metrics = new ServingMetrics({ defaultMetrics: options.defaultMetrics });
  const events = new JobEvents({ redis, events: deps.dispatcher, keys, metrics, logger });
  const queues = new QueueAdmin({ redis, keys, dispatcher: deps.dispatcher, logger });
  const series = new SeriesStore(redis, keys, options.sampleIntervalMs ?? 5000, SERIES_WINDOW_MS);
  const monitor = new AdminMonitor({
    redis,
    keys,
    logger,
    queues,
    series,
    metrics,
    events,
    deadRetentionMs: options.deadRetentionMs ?? 30_000,
    pushIntervalMs: options.pushIntervalMs ?? 1000,
    jobsPerModel: options.jobsPerModel ?? 20,
  });
  const commands = new WorkerCommands({ redis, subscriber: deps.connect('admin-acks'), keys, logger, ackTimeoutMs: options.ackTimeoutMs ?? 5000 });
  await commands.start();
  const slots = new SupervisedSlots({ redis, subscriber: deps.connect('supervisor-acks'), prefix: keys.prefix, logger, ackTimeoutMs: options.restartAckTimeoutMs ?? 10_000 });
  await slots.start();
  monitor.start();
  const routes = createAdminRoutes({ redis, auth, monitor, queues, commands, slots, metrics, logger, loginGuard: deps.loginGuard });
  let namespace: { close: () => void } | null = null;
  if (!auth.enabled) logger.warn('ADMIN_TOKEN is not set: the admin dashboard, the admin API and /metrics are disabled (they answer 401)');

  return {
    auth,
    monitor,
    metrics,
    withRoutes: (next) => (req, res) => {
      routes(req, res).then(
        (handled) => {
          if (!handled) next(req, res);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'admin route failed');
          if (!res.headersSent) res.writeHead(500).end();
        },
      );
    },
    attach: (io) => {
      namespace = attachAdminNamespace(io, { auth, monitor, logger, revalidateMs: 15_000 });
    },
    close: async () => {
      namespace?.close();
      await monitor.close();
      await commands.close();
      await slots.close();
      await events.close();
    },
  };
}
