import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  MAX_CONVERSATION_BYTES,
  MgmError,
  describeZodError,
  feedbackInputSchema,
  toPublicWorker,
  type FeedbackResponse,
  type ModelListResponse,
  type WorkerListResponse,
} from '@mgm/protocol';
import type { FeedbackService } from './feedback-service.ts';
import type { ImageStore } from './image-store.ts';
import { methodNotAllowed, parseJson, sendError, sendJson } from './http-json.ts';
import { readBody } from './read-body.ts';
import { clientIp, type ClientLimits } from './limits/index.ts';
import type { WorkerRegistry } from './worker-registry.ts';

export interface HttpApiDeps {
  redis: Redis;
  registry: WorkerRegistry;
  images: ImageStore;
  feedback: FeedbackService;
  logger: Logger;
  /** Per-client limits; null: none. */
  limits: ClientLimits | null;
  maxUploadBytes: number;
}

/** A feedback post names a job and carries at most a comment (the browser also sends the conversation, which is ignored). */
const MAX_FEEDBACK_BYTES = MAX_CONVERSATION_BYTES + 64 * 1024;
const IMAGE_PATH = /^\/api\/images\/([^/]+)$/;

/**
 * The controller's HTTP routes. Answers JSON (`{error: {code, message}}` on failure, with the
 * status of the code); never lets an exception escape to the server.
 */
export function createHttpApi(deps: HttpApiDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(deps, req, res).catch((error: unknown) => sendError(req, res, error, deps.logger));
  };
}

async function route(deps: HttpApiDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://controller');
  const method = req.method ?? 'GET';
  const path = url.pathname;

  if (path === '/healthz') {
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET');
    const redisUp = await deps.redis.ping().then(() => true, () => false);
    return sendJson(res, redisUp ? 200 : 503, { ok: redisUp, redis: redisUp ? 'up' : 'down' });
  }
  if (path === '/api/models') {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    const body: ModelListResponse = { models: await deps.registry.models() };
    return sendJson(res, 200, body);
  }
  if (path === '/api/workers') {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    const body: WorkerListResponse = { workers: (await deps.registry.list()).map(toPublicWorker) };
    return sendJson(res, 200, body);
  }
  if (path === '/api/images') {
    if (method !== 'POST') return methodNotAllowed(res, 'POST');
    await deps.limits?.upload({ ip: clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for']) });
    const bytes = await readUpload(req, deps.maxUploadBytes);
    return sendJson(res, 201, await deps.images.put(bytes, { transfer: true }));
  }
  const imageMatch = IMAGE_PATH.exec(path);
  if (imageMatch) {
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET');
    const png = await deps.images.get(imageMatch[1]!);
    if (!png) throw new MgmError('IMAGE_NOT_FOUND', 'no such image (uploads expire): upload it again');
    res.writeHead(200, {
      'content-type': 'image/png',
      'content-length': png.length,
      'cache-control': 'private, max-age=3600, immutable',
      'x-content-type-options': 'nosniff',
    });
    res.end(method === 'HEAD' ? undefined : png);
    return;
  }
  if (path === '/api/feedback') {
    if (method !== 'POST') return methodNotAllowed(res, 'POST');
    await deps.limits?.feedback({ ip: clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for']) });
    const body = parseJson(await readBody(req, MAX_FEEDBACK_BYTES));
    const parsed = feedbackInputSchema.safeParse(body);
    if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid feedback: ${describeZodError(parsed.error)}`);
    const recorded = await deps.feedback.record(parsed.data);
    const response: FeedbackResponse = { ok: true, id: recorded.id };
    return sendJson(res, recorded.duplicate ? 200 : 201, response);
  }
  throw new MgmError('NOT_FOUND', `no route ${method} ${path}`);
}

/** The image is the raw body (an image content type) or the multipart form field `image`. */
async function readUpload(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('multipart/form-data')) {
    // The multipart envelope adds a little to the file itself.
    const body = await readBody(req, limit + 64 * 1024, 'IMAGE_TOO_LARGE');
    let form: FormData;
    try {
      form = await new Request('http://upload/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
    } catch {
      throw new MgmError('BAD_REQUEST', 'the multipart body could not be parsed');
    }
    const file = form.get('image');
    if (!file || typeof file === 'string') throw new MgmError('BAD_REQUEST', 'the form has no file field named "image"');
    if (file.size > limit) throw new MgmError('IMAGE_TOO_LARGE', `the image is larger than the limit of ${limit} bytes`);
    return new Uint8Array(await file.arrayBuffer());
  }
  if (contentType.startsWith('image/') || contentType.startsWith('application/octet-stream')) {
    const body = await readBody(req, limit, 'IMAGE_TOO_LARGE');
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  }
  throw new MgmError(
    'BAD_REQUEST',
    'send the image as the request body with an image content type (e.g. image/png), or as a multipart form field named "image"',
  );
}
