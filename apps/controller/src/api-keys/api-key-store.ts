import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { apiKeyLimitsSchema, createApiKeySchema, type ApiKeyLimits, type ApiKeyView, type CreateApiKeyInput, type CreatedApiKey } from '@mgm/protocol';

export const API_KEY_PREFIX = 'sk-mgm-';

/** Redis keys of the API keys, under the deployment prefix. */
export function apiKeyRedisKeys(prefix: string) {
  return {
    /** Hash: key id -> sha256 of the key (the index the admin API lists). */
    index: `${prefix}:apikeys`,
    /** Hash of one key's record, found by the sha256 of the key. */
    record: (keyHash: string) => `${prefix}:apikey:${keyHash}`,
    /** Sorted set of the key's requests in flight (score: lease end, ms). */
    inflight: (id: string) => `${prefix}:apikey-limit:${id}:inflight`,
    /** Counter of the key's requests in one minute window. */
    requests: (id: string, minute: number) => `${prefix}:apikey-limit:${id}:req:${minute}`,
    /** Counter of the key's tokens (prompt + completion) in one minute window. */
    tokens: (id: string, minute: number) => `${prefix}:apikey-limit:${id}:tok:${minute}`,
  };
}
export type ApiKeyRedisKeys = ReturnType<typeof apiKeyRedisKeys>;

/** A key that authenticated a request. */
export interface ApiKeyPrincipal {
  id: string;
  name: string;
  limits: ApiKeyLimits;
}

export type VerifyResult = { ok: true; key: ApiKeyPrincipal } | { ok: false; reason: 'unknown' | 'revoked' };

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * API keys in Redis: each stored only as the sha256 of the key, with its name, creation time,
 * last use, limits and usage counters (requests, prompt and completion tokens). A revoked key
 * keeps its record (and counters) and is refused.
 */
export class ApiKeyStore {
  readonly keys: ApiKeyRedisKeys;

  constructor(private readonly redis: Redis, prefix: string) {
    this.keys = apiKeyRedisKeys(prefix);
  }

  async create(input: CreateApiKeyInput, now = Date.now()): Promise<CreatedApiKey> {
    const { name, limits } = createApiKeySchema.parse(input);
    const id = `key_${randomBytes(6).toString('hex')}`;
    const key = `${API_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
    const hash = hashApiKey(key);
    const preview = `${key.slice(0, API_KEY_PREFIX.length + 4)}…`;
    await this.redis
      .multi()
      .hset(this.keys.record(hash), {
        id,
        name,
        preview,
        createdAt: now,
        requestsPerMinute: limits.requestsPerMinute,
        tokensPerMinute: limits.tokensPerMinute,
        concurrentRequests: limits.concurrentRequests,
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
      })
      .hset(this.keys.index, id, hash)
      .exec();
    return { key, id, name, preview, createdAt: now, lastUsedAt: null, revokedAt: null, limits, usage: { requests: 0, promptTokens: 0, completionTokens: 0 } };
  }

  async list(): Promise<ApiKeyView[]> {
    const index = await this.redis.hgetall(this.keys.index);
    const entries = Object.values(index);
    if (entries.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const hash of entries) pipeline.hgetall(this.keys.record(hash));
    const replies = (await pipeline.exec()) ?? [];
    return replies
      .map(([error, record]) => (error ? null : toView(record as Record<string, string>)))
      .filter((v): v is ApiKeyView => v !== null)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Revokes a key; false when there is no such key. */
  async revoke(id: string, now = Date.now()): Promise<boolean> {
    const hash = await this.redis.hget(this.keys.index, id);
    if (hash === null) return false;
    await this.redis.hsetnx(this.keys.record(hash), 'revokedAt', now);
    return true;
  }

  async verify(key: string): Promise<VerifyResult> {
    const record = await this.redis.hgetall(this.keys.record(hashApiKey(key)));
    const view = toView(record);
    if (view === null) return { ok: false, reason: 'unknown' };
    if (view.revokedAt !== null) return { ok: false, reason: 'revoked' };
    return { ok: true, key: { id: view.id, name: view.name, limits: view.limits } };
  }

  /** Counts a request that was admitted (and its last use). */
  async recordRequest(id: string, now = Date.now()): Promise<void> {
    const hash = await this.redis.hget(this.keys.index, id);
    if (hash === null) return;
    await this.redis.multi().hincrby(this.keys.record(hash), 'requests', 1).hset(this.keys.record(hash), 'lastUsedAt', now).exec();
  }

  /** Adds the tokens of a finished answer to the key's counters. */
  async recordTokens(id: string, promptTokens: number, completionTokens: number): Promise<void> {
    const hash = await this.redis.hget(this.keys.index, id);
    if (hash === null) return;
    await this.redis
      .multi()
      .hincrby(this.keys.record(hash), 'promptTokens', promptTokens)
      .hincrby(this.keys.record(hash), 'completionTokens', completionTokens)
      .exec();
  }
}

function toView(record: Record<string, string>): ApiKeyView | null {
  if (!record.id || !record.name) return null;
  const num = (field: string): number => Number(record[field] ?? 0) || 0;
  return {
    id: record.id,
    name: record.name,
    preview: record.preview ?? '',
    createdAt: num('createdAt'),
    lastUsedAt: record.lastUsedAt ? num('lastUsedAt') : null,
    revokedAt: record.revokedAt ? num('revokedAt') : null,
    limits: apiKeyLimitsSchema.parse({
      requestsPerMinute: num('requestsPerMinute'),
      tokensPerMinute: num('tokensPerMinute'),
      concurrentRequests: num('concurrentRequests'),
    }),
    usage: { requests: num('requests'), promptTokens: num('promptTokens'), completionTokens: num('completionTokens') },
  };
}
