import type { Redis } from 'ioredis';
import { MgmError } from '@mgm/protocol';

/**
 * A fixed window per key: INCRBY, the window's expiry set by the first hit. Answers
 * [allowed (1|0), ms until the window ends]. A refused hit is taken back, so a client that keeps
 * knocking does not push its own window further.
 * KEYS = [counter]; ARGV = [cost, limit, window ms].
 */
const HIT_LUA = `
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if n == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]); ttl = tonumber(ARGV[3]) end
if n > tonumber(ARGV[2]) then
  redis.call('DECRBY', KEYS[1], ARGV[1])
  return {0, ttl}
end
return {1, ttl}
`;

/** One ceiling: at most `limit` units per `windowMs` for one client key (0: no ceiling). */
export interface WindowRule {
  /** Names the limit in errors and metrics, e.g. "requests_per_minute_ip". */
  name: string;
  limit: number;
  windowMs: number;
}

/** A client key: what a request is charged to, e.g. "ip:203.0.113.9", "session:abc", "apikey:k1". */
export type ClientKey = string;

export interface RateLimitRefusal {
  rule: string;
  retryAfterMs: number;
}

/**
 * Per-client request ceilings shared by every controller through Redis. Keyed by arbitrary client
 * keys (IP, session, API key), so any front door charges its clients the same way. A refusal is
 * RATE_LIMITED with the seconds to wait (HTTP: 429 + Retry-After).
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly onRefused: (rule: string) => void = () => undefined,
  ) {}

  /**
   * Charges `cost` to every (rule, key) pair; throws RATE_LIMITED when any is over its ceiling
   * (the pairs checked before it keep the charge: the request was made).
   */
  async charge(pairs: ReadonlyArray<{ rule: WindowRule; key: ClientKey }>, cost = 1): Promise<void> {
    for (const { rule, key } of pairs) {
      if (rule.limit <= 0) continue;
      const [allowed, ttl] = (await this.redis.eval(HIT_LUA, 1, `${this.keyPrefix}:${rule.name}:${key}`, cost, rule.limit, rule.windowMs)) as [number, number];
      if (allowed === 0) {
        this.onRefused(rule.name);
        throw rateLimited(rule.name, ttl, `at most ${rule.limit} per ${describeWindow(rule.windowMs)}`);
      }
    }
  }

  /** Whether the key is at its ceiling now (without charging): the ms until it frees, or null. */
  async exceeded(rule: WindowRule, key: ClientKey): Promise<number | null> {
    if (rule.limit <= 0) return null;
    const counter = `${this.keyPrefix}:${rule.name}:${key}`;
    const [count, ttl] = await Promise.all([this.redis.get(counter), this.redis.pttl(counter)]);
    return Number(count ?? 0) >= rule.limit ? Math.max(ttl, 1000) : null;
  }
}

export function rateLimited(rule: string, retryAfterMs: number, what: string): MgmError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const error = new MgmError('RATE_LIMITED', `too many requests (${what}): try again in ${retryAfterSeconds} s`, {
    details: { rule, retryAfterSeconds },
  });
  return error;
}

/** Seconds to wait that a RATE_LIMITED error carries (for Retry-After), or null. */
export function retryAfterSeconds(error: unknown): number | null {
  if (!(error instanceof MgmError) || error.code !== 'RATE_LIMITED') return null;
  const seconds = error.details?.retryAfterSeconds;
  return typeof seconds === 'number' ? seconds : null;
}

export function describeWindow(ms: number): string {
  if (ms % 60_000 === 0) return ms === 60_000 ? 'minute' : `${ms / 60_000} minutes`;
  return `${Math.round(ms / 1000)} s`;
}
