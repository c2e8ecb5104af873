import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ApiKeyLimits, RedisKeys } from '@mgm/protocol';
import type { AdminAuth } from '../admin/admin-auth.ts';
import { ApiKeyLimiter } from '../api-keys/api-key-limiter.ts';
import { handleApiKeyAdmin, isApiKeyAdminPath } from '../api-keys/api-key-routes.ts';
import { ApiKeyStore } from '../api-keys/api-key-store.ts';
import type { FrameRelay } from '../frame-relay.ts';
import type { ImageStore } from '../image-store.ts';
import type { JobDispatcher } from '../job-dispatcher.ts';
import type { WorkerRegistry } from '../worker-registry.ts';
import type { Usage } from './chat-completion-shapes.ts';
import { handleChatCompletions, type ChatCompletionsDeps } from './chat-completions.ts';
import { openAiModelList } from './models-list.ts';
import { OpenAiError, sendOpenAiError } from './openai-error.ts';
import { OpenAiMetrics } from './openai-metrics.ts';

export interface OpenAiApiOptions {
  /** Serve requests without a key (charged to `open`, no limits): the local demo. Off in production. */
  openAccess: boolean;
  /** Fetch http(s) image URLs (public addresses only). */
  fetchImages: boolean;
  fetchTimeoutMs?: number;
}

export interface OpenAiApiDeps {
  redis: Redis;
  keys: RedisKeys;
  registry: WorkerRegistry;
  dispatcher: JobDispatcher;
  relay: FrameRelay;
  images: ImageStore;
  adminAuth: AdminAuth;
  /** The /metrics registry. */
  metricsRegistry: Registry;
  logger: Logger;
  maxUploadBytes: number;
}

export interface OpenAiApi {
  readonly keyStore: ApiKeyStore;
  /** Puts `/v1/*` and `/api/admin/api-keys*` in front of the other routes. */
  withRoutes(next: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void;
}

interface Client {
  /** Key id, or `open`. */
  id: string;
  limits: ApiKeyLimits | null;
}

// Keys travel in a header, never in cookies: any origin may call the API from a browser.
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-max-age': '600',
};
/** What a preflight may ask for (the SDKs add their x-stainless-* headers); "*" alone would not cover Authorization. */
const ALLOWED_HEADER = /^(authorization|content-type|accept|openai-[a-z-]+|x-stainless-[a-z-]+)$/;

/** The OpenAI-compatible API (`/v1/models`, `/v1/chat/completions`) and its keys. */
export function createOpenAiApi(options: OpenAiApiOptions, deps: OpenAiApiDeps): OpenAiApi {
  const logger = deps.logger.child({ component: 'openai' });
  const store = new ApiKeyStore(deps.redis, deps.keys.prefix);
  const limiter = new ApiKeyLimiter(deps.redis, store.keys);
  const metrics = new OpenAiMetrics(deps.metricsRegistry);
  const chatDeps: ChatCompletionsDeps = {
    redis: deps.redis,
    keys: deps.keys,
    registry: deps.registry,
    dispatcher: deps.dispatcher,
    relay: deps.relay,
    images: {
      redis: deps.redis,
      keys: deps.keys,
      images: deps.images,
      maxUploadBytes: deps.maxUploadBytes,
      fetchRemote: options.fetchImages,
      fetchTimeoutMs: options.fetchTimeoutMs ?? 10_000,
    },
    logger,
    maxBodyBytes: Math.ceil((deps.maxUploadBytes * 4) / 3) + 1024 * 1024,
  };
  if (options.openAccess) logger.warn('the OpenAI API is open: requests without an API key are served (set API_OPEN_ACCESS=false, or NODE_ENV=production, to require keys)');

  const authenticate = async (req: IncomingMessage): Promise<Client> => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (!bearer) {
      if (options.openAccess) return { id: 'open', limits: null };
      throw new OpenAiError(
        401,
        'authentication_error',
        'missing_api_key',
        "You didn't provide an API key: send it as 'Authorization: Bearer sk-mgm-...' (an admin creates keys with POST /api/admin/api-keys).",
      );
    }
    const verified = await store.verify(bearer);
    if (verified.ok) return { id: verified.key.id, limits: verified.key.limits };
    if (verified.reason === 'revoked') throw new OpenAiError(401, 'authentication_error', 'invalid_api_key', 'This API key was revoked.');
    // Open mode serves a client whose key is not ours (clients that insist on sending some key).
    if (options.openAccess) return { id: 'open', limits: null };
    throw new OpenAiError(401, 'authentication_error', 'invalid_api_key', 'Incorrect API key provided.');
  };

  const chat = async (req: IncomingMessage, res: ServerResponse, client: Client): Promise<void> => {
    const requestId = randomUUID();
    if (client.limits) {
      const admission = await limiter.admit(client.id, requestId, client.limits);
      if (!admission.ok) {
        const what = { concurrent: 'concurrent requests', requests: 'requests per minute', tokens: 'tokens per minute' }[admission.limit];
        throw new OpenAiError(
          429,
          'rate_limit_error',
          'rate_limit_exceeded',
          `Rate limit reached for ${what} on this API key: retry after ${admission.retryAfterSeconds} s.`,
          null,
          admission.retryAfterSeconds,
        );
      }
      void store.recordRequest(client.id).catch((error: unknown) => logger.warn({ err: error }, 'could not count a key request'));
    }
    // Charges the tokens and frees the slot once, before the answer's last bytes: a client that
    // sends its next request as soon as it has the answer finds its budget and slot up to date.
    let settled = false;
    const settle = async (usage: Usage | null): Promise<void> => {
      if (settled || !client.limits) return;
      settled = true;
      await Promise.all([
        limiter.release(client.id, requestId),
        usage ? limiter.chargeTokens(client.id, usage.total_tokens) : undefined,
        usage ? store.recordTokens(client.id, usage.prompt_tokens, usage.completion_tokens) : undefined,
      ]).catch((error: unknown) => logger.warn({ err: error, keyId: client.id }, 'could not settle a key request'));
    };
    try {
      const outcome = await handleChatCompletions(chatDeps, req, res, settle).catch(async (error: unknown) => {
        await settle(null);
        sendOpenAiError(res, error, logger);
        return { model: null, status: res.statusCode, usage: null };
      });
      metrics.record(client.id, outcome.model, outcome.status, outcome.usage);
      // A client that left mid-answer: its tokens still count.
      await settle(outcome.usage);
    } finally {
      await settle(null);
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const method = req.method ?? 'GET';
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    if (method === 'OPTIONS') {
      const asked = String(req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => ALLOWED_HEADER.test(h));
      res.setHeader('access-control-allow-headers', ['authorization', 'content-type', ...asked].filter((h, i, all) => all.indexOf(h) === i).join(', '));
      res.writeHead(204).end();
      return;
    }
    try {
      const client = await authenticate(req);
      if (path === '/v1/chat/completions') {
        if (method !== 'POST') throw methodError(res, 'POST', method, path);
        return await chat(req, res, client);
      }
      if (path === '/v1/models') {
        if (method !== 'GET') throw methodError(res, 'GET', method, path);
        return sendJsonBody(res, openAiModelList(await deps.registry.list()));
      }
      const modelMatch = /^\/v1\/models\/(.+)$/.exec(path);
      if (modelMatch && method === 'GET') {
        const id = decodeURIComponent(modelMatch[1]!);
        const model = openAiModelList(await deps.registry.list()).data.find((m) => m.id === id);
        if (!model) throw new OpenAiError(404, 'invalid_request_error', 'model_not_found', `The model \`${id}\` does not exist or no worker serves it.`, 'model');
        return sendJsonBody(res, model);
      }
      throw new OpenAiError(404, 'invalid_request_error', 'unknown_url', `Unknown request URL: ${method} ${path}.`);
    } catch (error) {
      sendOpenAiError(res, error, logger);
    }
  };

  return {
    keyStore: store,
    withRoutes: (next) => (req, res) => {
      const path = new URL(req.url ?? '/', 'http://controller').pathname;
      if (path === '/v1' || path.startsWith('/v1/')) {
        void route(req, res, path);
        return;
      }
      if (isApiKeyAdminPath(path)) {
        void handleApiKeyAdmin({ auth: deps.adminAuth, store, logger }, req, res, path);
        return;
      }
      next(req, res);
    },
  };
}

function methodError(res: ServerResponse, allowed: string, method: string, path: string): OpenAiError {
  res.setHeader('allow', allowed);
  return new OpenAiError(405, 'invalid_request_error', 'method_not_allowed', `Use ${allowed} on ${path}, not ${method}.`);
}

function sendJsonBody(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}
