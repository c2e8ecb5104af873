import {
  apiKeyListResponseSchema,
  createdApiKeySchema,
  errorResponseSchema,
  type AdminActionResult,
  type ApiKeyView,
  type CreateApiKeyInput,
  type CreatedApiKey,
} from '@mgm/protocol';

type Answer<T> = { ok: true; value: T } | { ok: false; message: string };

/** Calls an API-key admin route (same origin, session cookie); the answer is validated. */
async function call<T>(path: string, parse: (body: unknown) => T | null, init: RequestInit = {}): Promise<Answer<T>> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    return { ok: false, message: 'the server cannot be reached' };
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = errorResponseSchema.safeParse(body);
    return { ok: false, message: error.success ? error.data.error.message : `HTTP ${response.status}` };
  }
  const value = parse(body);
  return value === null ? { ok: false, message: 'the server sent an answer this page does not understand' } : { ok: true, value };
}

export function listApiKeys(): Promise<Answer<ApiKeyView[]>> {
  return call('/api/admin/api-keys', (body) => apiKeyListResponseSchema.safeParse(body).data?.keys ?? null);
}

export function createApiKey(input: CreateApiKeyInput): Promise<Answer<CreatedApiKey>> {
  return call('/api/admin/api-keys', (body) => createdApiKeySchema.safeParse(body).data ?? null, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
}

export async function revokeApiKey(id: string): Promise<AdminActionResult> {
  const answer = await call(`/api/admin/api-keys/${encodeURIComponent(id)}/revoke`, () => true, { method: 'POST' });
  return answer.ok ? { ok: true, message: `${id} is revoked` } : { ok: false, message: answer.message };
}
