import type { Redis } from 'ioredis';
import type { ApiKeyLimits } from '@mgm/protocol';
import type { ApiKeyRedisKeys } from './api-key-store.ts';

const WINDOW_MS = 60_000;

/**
 * Checks concurrency, requests per minute and tokens per minute of one key, and admits the
 * request (counts it, takes a slot in flight) in the same step, so controllers sharing Redis
 * share the limits. Windows are fixed minutes; slots in flight are leases that lapse if a
 * controller dies without releasing them.
 */
const ADMIT_LUA = `
local now = tonumber(ARGV[1])
local concurrent = tonumber(ARGV[2])
local rpm = tonumber(ARGV[3])
local tpm = tonumber(ARGV[4])
local lease = tonumber(ARGV[6])
local windowLeft = math.max(1, math.ceil(tonumber(ARGV[7]) / 1000))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if concurrent > 0 and redis.call('ZCARD', KEYS[1]) >= concurrent then return {'concurrent', 1} end
if rpm > 0 and tonumber(redis.call('GET', KEYS[2]) or '0') >= rpm then return {'requests', windowLeft} end
if tpm > 0 and tonumber(redis.call('GET', KEYS[3]) or '0') >= tpm then return {'tokens', windowLeft} end
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], 2 * ${WINDOW_MS})
redis.call('ZADD', KEYS[1], now + lease, ARGV[5])
redis.call('PEXPIRE', KEYS[1], lease)
return {'ok', 0}
`;

export type Admission = { ok: true } | { ok: false; limit: 'concurrent' | 'requests' | 'tokens'; retryAfterSeconds: number };

export class ApiKeyLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: ApiKeyRedisKeys,
    /** How long a slot in flight is held if never released (longer than any answer). */
    private readonly leaseMs = 15 * 60_000,
  ) {}

  async admit(keyId: string, requestId: string, limits: ApiKeyLimits, now = Date.now()): Promise<Admission> {
    const minute = Math.floor(now / WINDOW_MS);
    const windowLeftMs = (minute + 1) * WINDOW_MS - now;
    const [verdict, retry] = (await this.redis.eval(
      ADMIT_LUA,
      3,
      this.keys.inflight(keyId),
      this.keys.requests(keyId, minute),
      this.keys.tokens(keyId, minute),
      now,
      limits.concurrentRequests,
      limits.requestsPerMinute,
      limits.tokensPerMinute,
      requestId,
      this.leaseMs,
      windowLeftMs,
    )) as [string, number];
    if (verdict === 'ok') return { ok: true };
    return { ok: false, limit: verdict as 'concurrent' | 'requests' | 'tokens', retryAfterSeconds: Number(retry) };
  }

  /** Frees the request's slot in flight. */
  async release(keyId: string, requestId: string): Promise<void> {
    await this.redis.zrem(this.keys.inflight(keyId), requestId);
  }

  /** Charges a finished answer's tokens to the current minute (a key over its budget is refused until the window ends). */
  async chargeTokens(keyId: string, tokens: number, now = Date.now()): Promise<void> {
    if (tokens <= 0) return;
    const key = this.keys.tokens(keyId, Math.floor(now / WINDOW_MS));
    await this.redis.multi().incrby(key, tokens).pexpire(key, 2 * WINDOW_MS).exec();
  }
}
