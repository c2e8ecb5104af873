import type { Redis } from 'ioredis';
import { MgmError } from '@mgm/protocol';
import type { RedisKeys } from '@mgm/protocol';
import type { ClientIdentity } from './client-identity.ts';
import type { LimitsConfig } from './limits-config.ts';
import { RateLimiter, type ClientKey, type WindowRule } from './rate-limiter.ts';
import { RequestAdmission, type AdmissionPairs, type InFlightRule } from './request-admission.ts';

const MINUTE = 60_000;

/**
 * Every per-client limit, in one place and in Redis (several controllers share the counts).
 * Front doors call the method of what a request does; each throws RATE_LIMITED when over.
 */
export class ClientLimits {
  private readonly rate: RateLimiter;
  private readonly admission: RequestAdmission;
  private readonly rules: ReturnType<typeof rulesOf>;

  constructor(
    redis: Redis,
    keys: RedisKeys,
    readonly config: LimitsConfig,
    options: { jobTtlSeconds: number; onRefused?: (rule: string) => void },
  ) {
    const [streamPrefix, streamSuffix] = keys.jobStream('\u0000').split('\u0000') as [string, string];
    this.rate = new RateLimiter(redis, `${keys.prefix}:limit`, options.onRefused);
    this.admission = new RequestAdmission(redis, `${keys.prefix}:limit`, { prefix: streamPrefix, suffix: streamSuffix }, options.jobTtlSeconds * 1000, options.onRefused);
    this.rules = rulesOf(config);
  }

  /**
   * A question (chat, compare, arena ask / regenerate) whose answers are the given jobs: requests
   * per minute, then jobs in flight, under every key of the client, in one round trip.
   */
  request(client: ClientIdentity, jobIds: readonly string[]): Promise<void> {
    return this.admission.admit(this.requestPairs(client), jobIds);
  }

  /**
   * Gives back what `request` took for a question refused for another reason, found out while
   * the admission ran (the gateway checks and admits in the same round trip): `outcome` is what
   * `request` answered. A question refused that way is not charged.
   */
  async refund(client: ClientIdentity, jobIds: readonly string[], outcome: PromiseSettledResult<void>): Promise<void> {
    if (outcome.status === 'rejected') {
      const rule = rateLimitedRule(outcome.reason);
      if (rule === null) return; // Redis failed: nothing known to give back
      return this.admission.refund(this.requestPairs(client), jobIds, rule);
    }
    return this.admission.refund(this.requestPairs(client), jobIds);
  }

  private requestPairs(client: ClientIdentity): AdmissionPairs {
    return { rate: pairs(client, this.rules.requests), inFlight: pairs(client, this.rules.inFlight) };
  }

  upload(client: ClientIdentity): Promise<void> {
    return this.rate.charge(pairs(client, this.rules.uploads));
  }

  feedback(client: ClientIdentity): Promise<void> {
    return this.rate.charge(pairs(client, this.rules.feedback));
  }

  vote(client: ClientIdentity): Promise<void> {
    return this.rate.charge(pairs(client, this.rules.votes));
  }

  battle(client: ClientIdentity): Promise<void> {
    return this.rate.charge(pairs(client, this.rules.battles));
  }

  /** Refuses a login attempt from an IP that failed too often lately. */
  async loginAllowed(ip: string): Promise<void> {
    const waitMs = await this.rate.exceeded(this.rules.loginFailures, `ip:${ip}`);
    if (waitMs !== null) await this.rate.charge([{ rule: this.rules.loginFailures, key: `ip:${ip}` }]);
  }

  /** Counts a failed login of this IP. */
  async loginFailed(ip: string): Promise<void> {
    await this.rate.charge([{ rule: this.rules.loginFailures, key: `ip:${ip}` }]).catch(() => undefined);
  }
}

interface PerKind<R> {
  ip?: R;
  session?: R;
  apiKey?: R;
}

function rulesOf(config: LimitsConfig) {
  const window = (name: string, limit: number, windowMs = MINUTE): WindowRule => ({ name, limit, windowMs });
  return {
    requests: {
      ip: window('requests_per_minute_ip', config.requestsPerMinuteIp),
      session: window('requests_per_minute_session', config.requestsPerMinuteSession),
    } satisfies PerKind<WindowRule>,
    inFlight: {
      ip: { name: 'jobs_in_flight_ip', limit: config.jobsInFlightIp },
      session: { name: 'jobs_in_flight_session', limit: config.jobsInFlightSession },
    } satisfies PerKind<InFlightRule>,
    uploads: { ip: window('uploads_per_minute_ip', config.uploadsPerMinuteIp) } satisfies PerKind<WindowRule>,
    feedback: { ip: window('feedback_per_minute_ip', config.feedbackPerMinuteIp) } satisfies PerKind<WindowRule>,
    votes: { ip: window('votes_per_minute_ip', config.votesPerMinuteIp) } satisfies PerKind<WindowRule>,
    battles: { ip: window('battles_per_minute_ip', config.battlesPerMinuteIp) } satisfies PerKind<WindowRule>,
    loginFailures: window('admin_login_failures_ip', config.adminLoginFailuresIp, 15 * MINUTE),
  };
}

/** The (rule, client key) pairs a client is charged under: one per identity part that has a rule. */
function pairs<R>(client: ClientIdentity, rules: PerKind<R>): Array<{ rule: R; key: ClientKey }> {
  const out: Array<{ rule: R; key: ClientKey }> = [];
  if (rules.ip) out.push({ rule: rules.ip, key: `ip:${client.ip}` });
  if (rules.session && client.session !== undefined) out.push({ rule: rules.session, key: `session:${client.session}` });
  if (rules.apiKey && client.apiKey !== undefined) out.push({ rule: rules.apiKey, key: `apikey:${client.apiKey}` });
  return out;
}

/** The rule a RATE_LIMITED error names, or null for any other error. */
function rateLimitedRule(error: unknown): string | null {
  if (!(error instanceof MgmError) || error.code !== 'RATE_LIMITED') return null;
  const rule = error.details?.rule;
  return typeof rule === 'string' ? rule : null;
}
