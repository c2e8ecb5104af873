import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { SOCKET_MAX_PAYLOAD_BYTES, type RedisKeys } from '@mgm/protocol';
import { createAdmin, type AdminOptions, type AdminSetup } from './admin/admin-setup.ts';
import { createArena } from './arena/arena-setup.ts';
import type { ArenaWeights } from './arena/model-draw.ts';
import { createEvaluation, type EvaluationOptions } from './evaluation/evaluation-setup.ts';
import { FeedbackLog } from './feedback-log.ts';
import { FeedbackService } from './feedback-service.ts';
import { FrameRelay } from './frame-relay.ts';
import { createHttpApi } from './http-api.ts';
import { withLensRoute } from './lens-route.ts';
import { ImageStore, type NormalizeUpload } from './image-store.ts';
import { JobDispatcher } from './job-dispatcher.ts';
import { JobWatchdog } from './job-watchdog.ts';
import { DepartedClients } from './departed-clients.ts';
import { registerFailoverMetrics } from './failover-metrics.ts';
import { WorkerFailover } from './worker-failover.ts';
import { createOpenAiApi, type OpenAiApi, type OpenAiApiOptions } from './openai/openai-api.ts';
import type { RedisConnectionKind } from './redis-connection.ts';
import { attachSocketGateway, type GatewayServer } from './socket-gateway.ts';
import { WorkerLabels } from './worker-labels.ts';
import { originAllowed } from './origin-policy.ts';
import { ClientLimits, registerLimitsMetrics, type LimitsConfig } from './limits/index.ts';
import { WorkerRegistry } from './worker-registry.ts';

export interface ControllerOptions {
  /** Commands connection (fail-fast: see RedisConnectionKind). */
  redis: Redis;
  /** Makes the extra connections (frame relay, BullMQ queues and events); all closed by `close`. */
  connect: (role: string, kind?: RedisConnectionKind) => Redis;
  keys: RedisKeys;
  logger: Logger;
  normalizeUpload: NormalizeUpload;
  dataDir: string;
  imageTtlSeconds: number;
  maxUploadBytes: number;
  jobTtlSeconds: number;
  watchdogIntervalMs: number;
  /** Jobs of dead workers: how often they are looked for, how often one restarts (default 250 ms, 1). */
  failover?: { checkMs: number; maxRestarts: number };
  /** Arena sampling weights per model (unlisted: 1). */
  arenaWeights?: ArenaWeights;
  /** Least time between two leaderboard computations (LEADERBOARD_REFRESH_MS; default 5 s). */
  leaderboardRefreshMs?: number;
  /** Admin dashboard, admin API, /metrics (absent: admin disabled). */
  admin?: AdminOptions;
  /** The OpenAI-compatible API (absent: keys required, no image fetching). */
  openai?: OpenAiApiOptions;
  /** Evaluation runs (absent: the shipped set is looked for at ./models/eval). */
  evaluation?: EvaluationOptions;
  /** Per-client limits (absent: none; main.ts passes the LIMIT_* settings with their defaults). */
  limits?: LimitsConfig;
  /** Browser origins allowed on socket.io besides the web app's own (ALLOWED_ORIGINS). */
  allowedOrigins?: string[];
}

export interface Controller {
  readonly http: HttpServer;
  readonly io: GatewayServer;
  readonly registry: WorkerRegistry;
  readonly dispatcher: JobDispatcher;
  readonly admin: AdminSetup;
  readonly openai: OpenAiApi;
  /** The opaque worker labels clients see in place of worker ids. */
  readonly labels: WorkerLabels;
  /** Listens; answers the bound port (port 0 picks a free one). */
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

/** Builds the controller: HTTP API + socket.io gateway on one server, over Redis and BullMQ. */
export async function createController(options: ControllerOptions): Promise<Controller> {
  const { redis, keys, logger } = options;
  const registry = new WorkerRegistry(redis, keys, logger);
  const dispatcher = new JobDispatcher({ redis, connect: options.connect, keys, logger, jobTtlSeconds: options.jobTtlSeconds });
  const relayConnection = options.connect('frame-relay');
  const relay = new FrameRelay(relayConnection, redis, keys, logger.child({ component: 'relay' }));
  await relay.start();
  const watchdog = new JobWatchdog(relay, dispatcher, registry, logger.child({ component: 'watchdog' }), options.watchdogIntervalMs);
  watchdog.start();

  const labels = await WorkerLabels.open(redis, keys);
  // --- per-client limits (issue 14 #5): one module, keyed by client keys (IP, session, later API key)
  let countRefusal: (rule: string) => void = () => undefined;
  const limits = options.limits
    ? new ClientLimits(redis, keys, options.limits, { jobTtlSeconds: options.jobTtlSeconds, onRefused: (rule) => countRefusal(rule) })
    : null;
  const admin = await createAdmin(options.admin ?? { token: null }, {
    redis,
    connect: options.connect,
    keys,
    dispatcher,
    logger,
    ...(limits ? { loginGuard: { allowed: (ip: string) => limits.loginAllowed(ip), failed: (ip: string) => limits.loginFailed(ip) } } : {}),
  });
  if (options.limits) countRefusal = registerLimitsMetrics(admin.metrics.registry, options.limits);
  // --- dead workers' jobs and departed clients' queued jobs (issue 14 #2, #5)
  const failoverMetrics = registerFailoverMetrics(admin.metrics.registry);
  const failover = new WorkerFailover({
    redis,
    keys,
    dispatcher,
    registry,
    logger: logger.child({ component: 'failover' }),
    intervalMs: options.failover?.checkMs ?? 250,
    maxRestarts: options.failover?.maxRestarts ?? 1,
    jobTtlSeconds: options.jobTtlSeconds,
    onOutcome: failoverMetrics.failover,
  });
  failover.start();
  const departedGraceMs = options.limits?.departedClientGraceMs ?? 0;
  const departed =
    departedGraceMs > 0
      ? new DepartedClients({
          redis,
          keys,
          dispatcher,
          logger: logger.child({ component: 'departed-clients' }),
          graceMs: departedGraceMs,
          intervalMs: Math.min(options.watchdogIntervalMs, departedGraceMs),
          onRemoved: failoverMetrics.departedRemoved,
        })
      : null;
  departed?.start();
  const arena = await createArena({
    redis,
    keys,
    registry,
    dispatcher,
    relay,
    departed,
    labels,
    limits,
    authorizeAdmin: async (req) => (await admin.auth.authorize(req.headers)) !== null,
    logger,
    dataDir: options.dataDir,
    jobTtlSeconds: options.jobTtlSeconds,
    weights: options.arenaWeights ?? {},
    ...(options.leaderboardRefreshMs === undefined ? {} : { leaderboardRefreshMs: options.leaderboardRefreshMs }),
  });
  const images = new ImageStore(redis, keys, options.normalizeUpload, options.imageTtlSeconds);
  const openai = createOpenAiApi(options.openai ?? { openAccess: false, fetchImages: false }, {
    redis,
    keys,
    registry,
    dispatcher,
    relay,
    images,
    adminAuth: admin.auth,
    metricsRegistry: admin.metrics.registry,
    logger,
    maxUploadBytes: options.maxUploadBytes,
  });
  const evaluation = createEvaluation(options.evaluation ?? { setDir: 'models/eval' }, {
    redis,
    keys,
    registry,
    dispatcher,
    relay,
    images,
    normalizeUpload: options.normalizeUpload,
    auth: admin.auth,
    logger,
    dataDir: options.dataDir,
  });
  const http = createServer(
    evaluation.withRoutes(openai.withRoutes(admin.withRoutes(arena.withRoutes(withLensRoute({ redis, keys, logger }, createHttpApi({
      redis,
      registry,
      images,
      feedback: new FeedbackService({ source: { redis, keys, dispatcher }, log: new FeedbackLog(options.dataDir), jobTtlSeconds: options.jobTtlSeconds }),
      logger,
      limits,
      maxUploadBytes: options.maxUploadBytes,
    })))))),
  );
  const allowedOrigins = options.allowedOrigins ?? [];
  const io: GatewayServer = new Server(http, {
    serveClient: false,
    maxHttpBufferSize: SOCKET_MAX_PAYLOAD_BYTES,
    allowRequest: (req, callback) => {
      const allowed = originAllowed(req.headers, allowedOrigins);
      if (!allowed) logger.warn({ origin: req.headers.origin }, 'socket.io connection from a foreign origin refused');
      callback(allowed ? null : 'origin not allowed', allowed);
    },
  });
  attachSocketGateway(io, { redis, keys, registry, dispatcher, relay, labels, limits, departed, logger });
  arena.attach(io);
  admin.attach(io);

  return {
    http,
    io,
    registry,
    dispatcher,
    admin,
    openai,
    labels,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          resolve((http.address() as AddressInfo).port);
        });
      }),
    close: async () => {
      await evaluation.close();
      await arena.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await admin.close();
      await watchdog.close();
      await failover.close();
      await departed?.close();
      await relay.close();
      relayConnection.disconnect();
      await dispatcher.close();
    },
  };
}
