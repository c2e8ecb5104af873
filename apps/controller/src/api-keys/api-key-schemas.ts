import { z } from 'zod';

/** Per-key limits; 0 (or absent) means no limit. */
export const apiKeyLimitsSchema = z.object({
  requestsPerMinute: z.number().int().min(0).max(1_000_000).default(0),
  tokensPerMinute: z.number().int().min(0).max(1_000_000_000).default(0),
  concurrentRequests: z.number().int().min(0).max(10_000).default(0),
});
export type ApiKeyLimits = z.infer<typeof apiKeyLimitsSchema>;

/** `POST /api/admin/api-keys`. */
export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, 'give the key a name').max(100),
  limits: apiKeyLimitsSchema.default(apiKeyLimitsSchema.parse({})),
});
export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;

export const apiKeyIdSchema = z.string().regex(/^key_[0-9a-f]{12}$/, 'not an API key id');

/** What the admin API lists about a key (never the key, never its hash). */
export interface ApiKeyView {
  id: string;
  name: string;
  /** The first characters of the key, to recognise it ("sk-mgm-AbCd…"). */
  preview: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  limits: ApiKeyLimits;
  usage: { requests: number; promptTokens: number; completionTokens: number };
}

/** The answer of a key creation: the only time the key itself is shown. */
export type CreatedApiKey = ApiKeyView & { key: string };
