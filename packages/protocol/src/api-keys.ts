import { z } from 'zod';

/** Per-key limits of the OpenAI API; 0 (or absent) means no limit. */
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
export const apiKeyViewSchema = z.object({
  id: apiKeyIdSchema,
  name: z.string(),
  /** The first characters of the key, to recognise it ("sk-mgm-AbCd…"). */
  preview: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
  limits: apiKeyLimitsSchema,
  usage: z.object({ requests: z.number(), promptTokens: z.number(), completionTokens: z.number() }),
});
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;

/** The answer of a key creation: the only time the key itself is shown. */
export const createdApiKeySchema = apiKeyViewSchema.extend({ key: z.string() });
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

export const apiKeyListResponseSchema = z.object({ keys: z.array(apiKeyViewSchema) });
export type ApiKeyListResponse = z.infer<typeof apiKeyListResponseSchema>;
