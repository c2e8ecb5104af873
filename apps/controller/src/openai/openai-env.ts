import { z } from 'zod';
import { MgmError, describeZodError } from '@mgm/protocol';
import type { OpenAiApiOptions } from './openai-api.ts';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z.object({
  openAccess: flag.optional(),
  fetchImages: flag.default(false),
  fetchTimeoutMs: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

/**
 * The OpenAI API's settings: API_OPEN_ACCESS (default true, but false with NODE_ENV=production,
 * where true stops the controller: production needs keys), API_IMAGE_FETCH (default false:
 * http(s) image URLs are refused; true fetches them from public addresses only) and
 * API_IMAGE_FETCH_TIMEOUT_MS (10000).
 */
export function parseOpenAiEnv(env: NodeJS.ProcessEnv, production: boolean): OpenAiApiOptions {
  const parsed = schema.safeParse({
    openAccess: env.API_OPEN_ACCESS === '' ? undefined : env.API_OPEN_ACCESS,
    fetchImages: env.API_IMAGE_FETCH === '' ? undefined : env.API_IMAGE_FETCH,
    fetchTimeoutMs: env.API_IMAGE_FETCH_TIMEOUT_MS === '' ? undefined : env.API_IMAGE_FETCH_TIMEOUT_MS,
  });
  if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid controller configuration: ${describeZodError(parsed.error)}`);
  if (production && parsed.data.openAccess === true) {
    throw new MgmError(
      'BAD_REQUEST',
      'API_OPEN_ACCESS=true with NODE_ENV=production: the OpenAI API needs keys in production (create them with POST /api/admin/api-keys); unset API_OPEN_ACCESS.',
    );
  }
  return { openAccess: parsed.data.openAccess ?? !production, fetchImages: parsed.data.fetchImages, fetchTimeoutMs: parsed.data.fetchTimeoutMs };
}
