import type { Redis } from 'ioredis';
import { describeWindow, rateLimited, type ClientKey, type WindowRule } from './rate-limiter.ts';

/**
 * Admits a question in ONE round trip: the per-minute counters of every client key, then the
 * jobs in flight of every client key, in one script (it sits on the path to the first token).
 *
 * Rate part, per counter in order: INCRBY, the window's expiry set by the first hit; over the
 * ceiling, that hit is taken back and the script answers (the counters before it keep theirs:
 * the request was made). In-flight part, only when every counter admitted: per set, jobs whose
 * stream holds a terminal frame or whose slot lapsed are dropped, then counted; the job ids are
 * added to every set only when every set has room (a refusal under one key takes no slot under
 * another, where a slot of a job that never runs would stay until it lapsed).
 *
 * KEYS = [rate counters..., in-flight sets...];
 * ARGV = [number of counters R, number of sets F, now ms, lapse ms, stream key prefix, stream key
 * suffix, R x (cost, limit, window ms), F x limit, job ids...].
 * Answers {1, 0, 0} admitted; {0, i, ms until counter i's window ends}; {2, j, jobs in flight under set j}.
 */
export const ADMIT_REQUEST_LUA = `
local R = tonumber(ARGV[1])
local F = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local lapse = tonumber(ARGV[4])
local a = 7
for i = 1, R do
  local cost = tonumber(ARGV[a])
  local limit = tonumber(ARGV[a + 1])
  local window = tonumber(ARGV[a + 2])
  a = a + 3
  local n = redis.call('INCRBY', KEYS[i], cost)
  if n == cost then redis.call('PEXPIRE', KEYS[i], window) end
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl < 0 then redis.call('PEXPIRE', KEYS[i], window); ttl = window end
  if n > limit then
    redis.call('DECRBY', KEYS[i], cost)
    return {0, i, ttl}
  end
end
local limits = {}
for j = 1, F do
  limits[j] = tonumber(ARGV[a])
  a = a + 1
end
local wanted = #ARGV - a + 1
for j = 1, F do
  local key = KEYS[R + j]
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  for _, jobId in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    local last = redis.call('XREVRANGE', ARGV[5] .. jobId .. ARGV[6], '+', '-', 'COUNT', 1)
    if #last > 0 then
      local fields = last[1][2]
      for k = 1, #fields, 2 do
        if fields[k] == 't' and (fields[k + 1] == 'end' or fields[k + 1] == 'error') then
          redis.call('ZREM', key, jobId)
        end
      end
    end
  end
  local count = redis.call('ZCARD', key)
  if count + wanted > limits[j] then return {2, j, count} end
end
for j = 1, F do
  local key = KEYS[R + j]
  for k = a, #ARGV do redis.call('ZADD', key, now + lapse, ARGV[k]) end
  redis.call('PEXPIRE', key, lapse)
end
return {1, 0, 0}
`;

/** At most `limit` answers queued or running at once for one client key (0: no ceiling). */
export interface InFlightRule {
  name: string;
  limit: number;
}

/**
 * Gives back what ADMIT_REQUEST_LUA took: one hit from each counter that still exists (a lapsed
 * window is not brought back), and the job ids from each in-flight set.
 * KEYS = [rate counters..., in-flight sets...]; ARGV = [number of counters, job ids...].
 */
const REFUND_LUA = `
local R = tonumber(ARGV[1])
for i = 1, R do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('DECRBY', KEYS[i], 1) end
end
for j = R + 1, #KEYS do
  for k = 2, #ARGV do redis.call('ZREM', KEYS[j], ARGV[k]) end
end
return 1
`;

export interface AdmissionPairs {
  rate: ReadonlyArray<{ rule: WindowRule; key: ClientKey }>;
  inFlight: ReadonlyArray<{ rule: InFlightRule; key: ClientKey }>;
}

export class RequestAdmission {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    /** Where job streams live: `${prefix}${jobId}${suffix}`. */
    private readonly stream: { prefix: string; suffix: string },
    /** A slot lapses after this long even if its job never ends (the job's own lifetime). */
    private readonly lapseMs: number,
    private readonly onRefused: (rule: string) => void = () => undefined,
  ) {}

  /**
   * Charges one request to every rate pair and takes one in-flight slot per job id under every
   * in-flight pair, or throws RATE_LIMITED naming the first rule that refused. Rules at 0 are off.
   */
  async admit(pairs: AdmissionPairs, jobIds: readonly string[]): Promise<void> {
    const rate = pairs.rate.filter(({ rule }) => rule.limit > 0);
    const inFlight = pairs.inFlight.filter(({ rule }) => rule.limit > 0);
    if (rate.length === 0 && inFlight.length === 0) return;
    const keys = [...rate.map(({ rule, key }) => this.key(rule.name, key)), ...inFlight.map(({ rule, key }) => this.key(rule.name, key))];
    const args = [
      rate.length,
      inFlight.length,
      Date.now(),
      this.lapseMs,
      this.stream.prefix,
      this.stream.suffix,
      ...rate.flatMap(({ rule }) => [1, rule.limit, rule.windowMs]),
      ...inFlight.map(({ rule }) => rule.limit),
      ...jobIds,
    ];
    const [status, index, value] = (await this.redis.eval(ADMIT_REQUEST_LUA, keys.length, ...keys, ...args)) as [number, number, number];
    if (status === 1) return;
    if (status === 0) {
      const { rule } = rate[index - 1]!;
      this.onRefused(rule.name);
      throw rateLimited(rule.name, value, `at most ${rule.limit} per ${describeWindow(rule.windowMs)}`);
    }
    const { rule } = inFlight[index - 1]!;
    this.onRefused(rule.name);
    throw rateLimited(rule.name, 5000, `at most ${rule.limit} answers in progress at once, ${value} now: wait until one finishes`);
  }

  /**
   * Gives back an admission whose question was refused for another reason (unknown model, expired
   * image): what `admit` took, given the rule that refused it (absent: it admitted). A rate rule
   * that refused took nothing from itself or after it; an in-flight rule that refused took every
   * counter and no slot.
   */
  async refund(pairs: AdmissionPairs, jobIds: readonly string[], refusedBy?: string): Promise<void> {
    let rate = pairs.rate.filter(({ rule }) => rule.limit > 0);
    let inFlight = pairs.inFlight.filter(({ rule }) => rule.limit > 0);
    if (refusedBy !== undefined) {
      const at = rate.findIndex(({ rule }) => rule.name === refusedBy);
      if (at >= 0) rate = rate.slice(0, at);
      inFlight = [];
    }
    if (rate.length === 0 && inFlight.length === 0) return;
    const keys = [...rate.map(({ rule, key }) => this.key(rule.name, key)), ...inFlight.map(({ rule, key }) => this.key(rule.name, key))];
    await this.redis.eval(REFUND_LUA, keys.length, ...keys, rate.length, ...jobIds);
  }

  private key(rule: string, client: ClientKey): string {
    return `${this.keyPrefix}:${rule}:${client}`;
  }
}
