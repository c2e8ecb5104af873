import type { Redis } from 'ioredis';
import { rateLimited, type ClientKey } from './rate-limiter.ts';

/**
 * Jobs in flight per client key: a sorted set of job ids (score: when the slot lapses at the
 * latest). Before counting, jobs whose stream holds a terminal frame, or whose slot lapsed, are
 * dropped, so a slot frees itself when its answer ends, whoever followed it, with no release call.
 * KEYS = [set]; ARGV = [stream key prefix, stream key suffix, now ms, lapse ms, limit, job ids...].
 * Answers [admitted (1|0), jobs in flight before].
 */
const ACQUIRE_LUA = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, jobId in ipairs(members) do
  local last = redis.call('XREVRANGE', ARGV[1] .. jobId .. ARGV[2], '+', '-', 'COUNT', 1)
  if #last > 0 then
    local fields = last[1][2]
    for i = 1, #fields, 2 do
      if fields[i] == 't' and (fields[i + 1] == 'end' or fields[i + 1] == 'error') then
        redis.call('ZREM', KEYS[1], jobId)
      end
    end
  end
end
local count = redis.call('ZCARD', KEYS[1])
local wanted = #ARGV - 5
if count + wanted > tonumber(ARGV[5]) then return {0, count} end
for i = 6, #ARGV do redis.call('ZADD', KEYS[1], tonumber(ARGV[3]) + tonumber(ARGV[4]), ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, count}
`;

export interface InFlightRule {
  name: string;
  limit: number;
}

export class InFlightLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    /** Where job streams live: `${streamPrefix}${jobId}${streamSuffix}`. */
    private readonly stream: { prefix: string; suffix: string },
    /** A slot lapses after this long even if its job never ends (the job's own lifetime). */
    private readonly lapseMs: number,
    private readonly onRefused: (rule: string) => void = () => undefined,
  ) {}

  /** Takes one slot per job id under every key, or throws RATE_LIMITED (taking none under the key that refused). */
  async acquire(pairs: ReadonlyArray<{ rule: InFlightRule; key: ClientKey }>, jobIds: readonly string[]): Promise<void> {
    for (const { rule, key } of pairs) {
      if (rule.limit <= 0) continue;
      const [admitted, count] = (await this.redis.eval(
        ACQUIRE_LUA,
        1,
        `${this.keyPrefix}:${rule.name}:${key}`,
        this.stream.prefix,
        this.stream.suffix,
        Date.now(),
        this.lapseMs,
        rule.limit,
        ...jobIds,
      )) as [number, number];
      if (admitted === 0) {
        this.onRefused(rule.name);
        throw rateLimited(rule.name, 5000, `at most ${rule.limit} answers in progress at once, ${count} now: wait until one finishes`);
      }
    }
  }
}
