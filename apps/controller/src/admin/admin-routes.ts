import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  MgmError,
  adminActionSchema,
  adminLoginSchema,
  httpStatusByCode,
  jobIdSchema,
  modelIdSchema,
  queueActionSchema,
  supervisedSlotIdSchema,
  toApiError,
  workerIdSchema,
  type AdminActionResult,
  type AdminSessionResponse,
  type SupervisedSlotsResponse,
} from '@mgm/protocol';
import { sendJson } from '../http-json.ts';
import { clientIp } from '../limits/index.ts';
import { readBody } from '../read-body.ts';
import { disabledError, type AdminAuth, type AdminPrincipal } from './admin-auth.ts';
import type { AdminMonitor } from './admin-monitor.ts';
import type { QueueAdmin } from './queue-admin.ts';
import type { ServingMetrics } from './serving-metrics.ts';
import type { SupervisedSlots } from './supervised-slots.ts';
import type { WorkerCommands } from './worker-commands.ts';

export interface AdminRoutesDeps {
  redis: Redis;
  auth: AdminAuth;
  monitor: AdminMonitor;
  queues: QueueAdmin;
  commands: WorkerCommands;
  /** Worker slots a supervisor can restart (npm run demo). */
  slots: SupervisedSlots;
  metrics: ServingMetrics;
  logger: Logger;
  /** Per-IP ceiling of failed logins (absent: only the fixed delay). */
  loginGuard?: LoginGuard;
}

/** Refuses logins from an IP that failed too often (RATE_LIMITED), and counts failures. */
export interface LoginGuard {
  allowed(ip: string): Promise<void>;
  failed(ip: string): Promise<void>;
}

interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: string[];
  principal: AdminPrincipal;
  secure: boolean;
}

type Answer = { status?: number; body: unknown; setCookie?: string } | { text: string; contentType: string };

interface AdminRoute {
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** A concrete path of this route (the 401 test calls every route with it). */
  example: string;
  handle: (deps: AdminRoutesDeps, ctx: RouteContext) => Promise<Answer>;
}

const MAX_LOGIN_BYTES = 4096;

/** Every route that needs the admin token or session. */
export const adminRoutes: readonly AdminRoute[] = [
  {
    method: 'GET',
    pattern: /^\/api\/admin\/session$/,
    example: '/api/admin/session',
    handle: async (_deps, { principal }) => {
      const body: AdminSessionResponse = { ok: true, via: principal.via, expiresAt: principal.expiresAt };
      return { body };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/admin\/logout$/,
    example: '/api/admin/logout',
    handle: async (deps, { principal, secure }) => {
      await deps.auth.logout(principal);
      return { body: result(true, 'logged out'), setCookie: deps.auth.clearedCookie(secure) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/admin\/overview$/,
    example: '/api/admin/overview',
    handle: async (deps) => ({ body: await deps.monitor.refresh(true) }),
  },
  {
    method: 'GET',
    pattern: /^\/api\/admin\/workers$/,
    example: '/api/admin/workers',
    handle: async (deps) => ({ body: { workers: (await deps.monitor.refresh()).workers } }),
  },
  {
    method: 'GET',
    pattern: /^\/api\/admin\/series$/,
    example: '/api/admin/series',
    handle: async (deps) => ({ body: await deps.monitor.series() }),
  },
  {
    method: 'GET',
    pattern: /^\/api\/admin\/jobs$/,
    example: '/api/admin/jobs?model=mgm-tiny&limit=5',
    handle: async (deps, { url }) => {
      const limit = Math.min(200, Math.max(1, Number(url.searchParams.get('limit') ?? 20) || 20));
      const wanted = url.searchParams.get('model');
      const models = wanted !== null ? [param(modelIdSchema, wanted, 'model')] : (await deps.monitor.current()).models.map((m) => m.id);
      const jobs = (await Promise.all(models.map((model) => deps.queues.recentJobs(model, limit)))).flat();
      jobs.sort((a, b) => (b.finishedAt ?? b.startedAt ?? b.enqueuedAt) - (a.finishedAt ?? a.startedAt ?? a.enqueuedAt));
      return { body: { jobs: jobs.slice(0, limit) } };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/admin\/workers\/([^/]+)\/([^/]+)$/,
    example: '/api/admin/workers/some-worker/pause',
    handle: async (deps, { params }) => {
      const workerId = param(workerIdSchema, params[0]!, 'worker id');
      const action = param(adminActionSchema, params[1]!, 'action (pause, resume, drain or stop)');
      const snapshot = await deps.monitor.refresh();
      const worker = snapshot.workers.find((w) => w.id === workerId);
      if (!worker) throw new MgmError('NOT_FOUND', `no worker ${workerId} (it may have left already)`);
      if (worker.liveness === 'dead') throw new MgmError('WORKER_FAILED', `${workerId} is dead: it cannot ${action}`);
      const ack = await deps.commands.send(workerId, action);
      void deps.monitor.refresh().catch(() => undefined);
      return { body: result(ack.ok, ack.message) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/admin\/slots$/,
    example: '/api/admin/slots',
    handle: async (deps) => {
      const body: SupervisedSlotsResponse = { slots: await deps.slots.list() };
      return { body };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/admin\/slots\/([^/]+)\/restart$/,
    example: '/api/admin/slots/mgm-tiny.cpu/restart',
    handle: async (deps, { params }) => {
      const slotId = param(supervisedSlotIdSchema, params[0]!, 'worker slot id');
      const ack = await deps.slots.restart(slotId);
      void deps.monitor.refresh().catch(() => undefined);
      return { body: result(true, ack.message) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/admin\/models\/([^/]+)\/queue\/([^/]+)$/,
    example: '/api/admin/models/mgm-tiny/queue/pause',
    handle: async (deps, { params }) => {
      const model = param(modelIdSchema, params[0]!, 'model');
      const action = param(queueActionSchema, params[1]!, 'queue action (pause or resume)');
      if (action === 'pause') await deps.queues.pause(model);
      else await deps.queues.resume(model);
      void deps.monitor.refresh().catch(() => undefined);
      return {
        body: result(
          true,
          action === 'pause'
            ? `the queue of ${model} is paused: no worker takes its jobs until it is resumed`
            : `the queue of ${model} is resumed`,
        ),
      };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/admin\/models\/([^/]+)\/failed\/retry$/,
    example: '/api/admin/models/mgm-tiny/failed/retry',
    handle: async (deps, { params }) => {
      const model = param(modelIdSchema, params[0]!, 'model');
      const count = await deps.queues.retryFailed(model);
      void deps.monitor.refresh().catch(() => undefined);
      return { body: result(true, count === 0 ? `${model} has no failed job` : `${plural(count, 'failed job')} of ${model} queued again`, count) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/admin\/models\/([^/]+)\/failed\/clear$/,
    example: '/api/admin/models/mgm-tiny/failed/clear',
    handle: async (deps, { params }) => {
      const model = param(modelIdSchema, params[0]!, 'model');
      const count = await deps.queues.clearFailed(model);
      void deps.monitor.refresh().catch(() => undefined);
      return { body: result(true, count === 0 ? `${model} has no failed job` : `removed ${plural(count, 'failed job')} of ${model}`, count) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/admin\/models\/([^/]+)\/jobs\/([^/]+)\/retry$/,
    example: '/api/admin/models/mgm-tiny/jobs/some-job/retry',
    handle: async (deps, { params }) => {
      const model = param(modelIdSchema, params[0]!, 'model');
      const jobId = param(jobIdSchema, params[1]!, 'job id');
      await deps.queues.retryFailed(model, jobId);
      void deps.monitor.refresh().catch(() => undefined);
      return { body: result(true, `job ${jobId} of ${model} queued again`, 1) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/metrics$/,
    example: '/metrics',
    handle: async (deps) => {
      // Gauges (queues, workers) as of this scrape, not of the last tick.
      await deps.monitor.refresh();
      return { text: await deps.metrics.render(), contentType: deps.metrics.contentType };
    },
  },
];

/** `POST /api/admin/login` and every path under `/api/admin/`, plus `/metrics`. */
export function isAdminPath(path: string): boolean {
  return path === '/metrics' || path === '/api/admin' || path.startsWith('/api/admin/');
}

/**
 * The admin HTTP routes, `/metrics` and the public `/readyz`. Answers true when it handled the
 * request. Every admin path answers 401 without a valid token or session — unknown admin
 * paths too, so nothing about them shows before logging in.
 */
export function createAdminRoutes(deps: AdminRoutesDeps): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://controller');
    const path = url.pathname;
    if (path === '/readyz') {
      await readiness(deps, req, res);
      return true;
    }
    if (!isAdminPath(path)) return false;
    try {
      const answer = await handle(deps, req, res, url);
      send(res, answer);
    } catch (error) {
      if (!(error instanceof MgmError)) deps.logger.error({ err: error, method: req.method, path }, 'admin request failed');
      const apiError = toApiError(error);
      if (res.headersSent) {
        res.destroy();
        return true;
      }
      const status = httpStatusByCode[apiError.code];
      if (status === 401) res.setHeader('www-authenticate', 'Bearer realm="mgm-admin"');
      const retryAfter = error instanceof MgmError ? error.details?.retryAfterSeconds : undefined;
      if (typeof retryAfter === 'number') res.setHeader('retry-after', String(retryAfter));
      sendJson(res, status, { error: apiError });
    }
    return true;
  };
}

async function handle(deps: AdminRoutesDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<Answer> {
  const method = req.method ?? 'GET';
  const secure = isSecure(req);
  if (url.pathname === '/api/admin/login' && method === 'POST') return login(deps, req, secure);

  const principal = await deps.auth.authorize(req.headers);
  if (!principal) throw deps.auth.enabled ? new MgmError('UNAUTHORIZED', 'admin only: log in, or send the admin token as "Authorization: Bearer <token>"') : disabledError();
  // A session cookie travels with any request the browser makes: refuse changes asked by another site.
  if (principal.via === 'session' && method !== 'GET' && method !== 'HEAD' && !sameOrigin(req)) {
    throw new MgmError('UNAUTHORIZED', 'cross-site request refused');
  }
  for (const route of adminRoutes) {
    const match = route.pattern.exec(url.pathname);
    if (!match) continue;
    if (route.method !== method && !(route.method === 'GET' && method === 'HEAD')) {
      res.setHeader('allow', route.method);
      throw new MgmError('BAD_REQUEST', `use ${route.method} on ${url.pathname}`);
    }
    return route.handle(deps, { req, res, url, params: match.slice(1).map(decodeSegment), principal, secure });
  }
  throw new MgmError('NOT_FOUND', `no admin route ${method} ${url.pathname}`);
}

async function login(deps: AdminRoutesDeps, req: IncomingMessage, secure: boolean): Promise<Answer> {
  if (!deps.auth.enabled) throw disabledError();
  let token: string | null = null;
  try {
    const parsed = adminLoginSchema.safeParse(JSON.parse((await readBody(req, MAX_LOGIN_BYTES)).toString('utf8')));
    token = parsed.success ? parsed.data.token : null;
  } catch (error) {
    if (error instanceof MgmError && error.code === 'PAYLOAD_TOO_LARGE') throw error;
  }
  if (token === null) throw new MgmError('UNAUTHORIZED', 'send the admin token as JSON: {"token": "..."}');
  const ip = clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for']);
  await deps.loginGuard?.allowed(ip);
  if (!deps.auth.tokenMatches(token)) {
    await deps.loginGuard?.failed(ip);
    // Slows down guessing; the token itself is long and random (checked at startup).
    await new Promise((resolve) => setTimeout(resolve, 300));
    deps.logger.warn({ from: req.headers['x-forwarded-for'] ?? req.socket.remoteAddress }, 'admin login with a wrong token');
    throw new MgmError('UNAUTHORIZED', 'wrong admin token');
  }
  const { cookieValue, expiresAt } = await deps.auth.login(token);
  const body: AdminSessionResponse = { ok: true, via: 'session', expiresAt };
  return { body, setCookie: deps.auth.sessionCookie(cookieValue, secure) };
}

async function readiness(deps: AdminRoutesDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET');
    sendJson(res, 405, { error: { code: 'BAD_REQUEST', message: 'use GET on /readyz' } });
    return;
  }
  const redisUp = await Promise.race([
    deps.redis.ping().then(() => true, () => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref()),
  ]);
  sendJson(res, redisUp ? 200 : 503, { ready: redisUp, redis: redisUp ? 'up' : 'down' });
}

function param<T>(schema: { safeParse: (value: unknown) => { success: true; data: T } | { success: false } }, value: string, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new MgmError('BAD_REQUEST', `"${value}" is not a valid ${what}`);
  return parsed.data;
}

function decodeSegment(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return segment ?? '';
  }
}

function result(ok: boolean, message: string, count?: number): AdminActionResult {
  return count === undefined ? { ok, message } : { ok, message, count };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function isSecure(req: IncomingMessage): boolean {
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim().toLowerCase();
  return forwarded === 'https' || Boolean((req.socket as TLSSocket).encrypted);
}

export function sameOrigin(req: IncomingMessage): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = String(req.headers['x-forwarded-host'] ?? req.headers.host ?? '').split(',')[0]?.trim();
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

function send(res: ServerResponse, answer: Answer): void {
  if ('text' in answer) {
    res.writeHead(200, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.text), 'cache-control': 'no-store' });
    res.end(answer.text);
    return;
  }
  if (answer.setCookie) res.setHeader('set-cookie', answer.setCookie);
  sendJson(res, answer.status ?? 200, answer.body);
}
