import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { MgmError, apiKeyIdSchema, createApiKeySchema, describeZodError, httpStatusByCode, toApiError } from '@mgm/protocol';
import { disabledError, type AdminAuth } from '../admin/admin-auth.ts';
import { sameOrigin } from '../admin/admin-routes.ts';
import { parseJson, sendJson } from '../http-json.ts';
import { readBody } from '../read-body.ts';
import type { ApiKeyStore } from './api-key-store.ts';

const REVOKE_PATH = /^\/api\/admin\/api-keys\/([^/]+)\/revoke$/;

/** The admin routes of API keys (admin token or session, as every admin route). */
export function isApiKeyAdminPath(path: string): boolean {
  return path === '/api/admin/api-keys' || REVOKE_PATH.test(path);
}

/**
 * `GET /api/admin/api-keys` lists the keys (never the keys themselves), `POST` creates one
 * (`{name, limits?}`; the answer is the only time the key is shown), `POST …/:id/revoke` revokes.
 * Errors as the other admin routes: `{error: {code, message}}`.
 */
export async function handleApiKeyAdmin(
  deps: { auth: AdminAuth; store: ApiKeyStore; logger: Logger },
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  try {
    const method = req.method ?? 'GET';
    const principal = await deps.auth.authorize(req.headers);
    if (!principal) throw deps.auth.enabled ? new MgmError('UNAUTHORIZED', 'admin only: log in, or send the admin token as "Authorization: Bearer <token>"') : disabledError();
    if (principal.via === 'session' && method !== 'GET' && method !== 'HEAD' && !sameOrigin(req)) throw new MgmError('UNAUTHORIZED', 'cross-site request refused');
    if (path === '/api/admin/api-keys') {
      if (method === 'GET' || method === 'HEAD') return sendJson(res, 200, { keys: await deps.store.list() });
      if (method !== 'POST') return badMethod(res, 'GET, POST');
      const parsed = createApiKeySchema.safeParse(parseJson(await readBody(req, 16 * 1024)));
      if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid API key: ${describeZodError(parsed.error)}`);
      const created = await deps.store.create(parsed.data);
      deps.logger.info({ keyId: created.id, name: created.name, limits: created.limits }, 'API key created');
      return sendJson(res, 201, created);
    }
    if (method !== 'POST') return badMethod(res, 'POST');
    const id = apiKeyIdSchema.safeParse(decodeURIComponent(REVOKE_PATH.exec(path)![1]!));
    if (!id.success || !(await deps.store.revoke(id.data))) throw new MgmError('NOT_FOUND', 'no such API key');
    deps.logger.info({ keyId: id.data }, 'API key revoked');
    return sendJson(res, 200, { ok: true, message: `revoked ${id.data}` });
  } catch (error) {
    if (!(error instanceof MgmError)) deps.logger.error({ err: error, path }, 'API key admin request failed');
    const apiError = toApiError(error);
    if (res.headersSent) return void res.destroy();
    const status = httpStatusByCode[apiError.code];
    if (status === 401) res.setHeader('www-authenticate', 'Bearer realm="mgm-admin"');
    sendJson(res, status, { error: apiError });
  }
}

function badMethod(res: ServerResponse, allowed: string): void {
  res.setHeader('allow', allowed);
  sendJson(res, 405, { error: { code: 'BAD_REQUEST', message: `use ${allowed} on this route` } });
}
