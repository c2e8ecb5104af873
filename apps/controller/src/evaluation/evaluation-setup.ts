import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisKeys } from '@mgm/protocol';
import type { AdminAuth } from '../admin/admin-auth.ts';
import type { FrameRelay } from '../frame-relay.ts';
import type { ImageStore, NormalizeUpload } from '../image-store.ts';
import type { JobDispatcher } from '../job-dispatcher.ts';
import type { WorkerRegistry } from '../worker-registry.ts';
import { createEvaluationRoutes } from './evaluation-routes.ts';
import { EvaluationService } from './evaluation-service.ts';
import { EvaluationStore } from './evaluation-store.ts';
import { QuestionSets } from './question-sets.ts';

export interface EvaluationOptions {
  /** The shipped question set (EVAL_SET_DIR, default models/eval). */
  setDir: string;
  /** Largest question-set upload (default 64 MiB). */
  maxSetBytes?: number;
  /** Heartbeat of a running run (default 5000 ms). */
  heartbeatMs?: number;
}

export interface EvaluationSetupDeps {
  redis: Redis;
  keys: RedisKeys;
  registry: WorkerRegistry;
  dispatcher: JobDispatcher;
  relay: FrameRelay;
  images: ImageStore;
  normalizeUpload: NormalizeUpload;
  auth: AdminAuth;
  logger: Logger;
  dataDir: string;
}

export interface EvaluationSetup {
  readonly service: EvaluationService;
  /** Puts /api/evaluations… in front of the rest of the HTTP API. */
  withRoutes(next: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void;
  /** Ends this controller's running runs as interrupted. */
  close(): Promise<void>;
}

/** Builds evaluation runs (issue 19) on top of the serving core. */
export function createEvaluation(options: EvaluationOptions, deps: EvaluationSetupDeps): EvaluationSetup {
  const logger = deps.logger.child({ component: 'evaluation' });
  const store = new EvaluationStore(deps.redis, deps.keys, deps.dataDir, logger);
  const sets = new QuestionSets(options.setDir, deps.dataDir, deps.normalizeUpload);
  const service = new EvaluationService({
    redis: deps.redis,
    keys: deps.keys,
    dispatcher: deps.dispatcher,
    relay: deps.relay,
    registry: deps.registry,
    images: deps.images,
    sets,
    store,
    logger,
    heartbeatMs: options.heartbeatMs ?? 5000,
  });
  const routes = createEvaluationRoutes({ auth: deps.auth, service, store, sets, logger, maxSetBytes: options.maxSetBytes ?? 64 * 1024 * 1024 });
  return {
    service,
    withRoutes: (next) => (req, res) => {
      routes(req, res).then(
        (handled) => {
          if (!handled) next(req, res);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'evaluation route failed');
          if (!res.headersSent) res.writeHead(500).end();
        },
      );
    },
    close: () => service.close(),
  };
}
