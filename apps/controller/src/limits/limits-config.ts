import { z } from 'zod';
import { MgmError, describeZodError } from '@mgm/protocol';

const perMinute = z.coerce.number().int().min(0);

/**
 * Per-client limits (0 turns one off). A client is charged under every key it has: its IP, its
 * browser session, later its API key; each key kind has its own ceilings. Read from the env by
 * `parseLimitsConfig`; documented in the README's "Limits" table.
 */
export const limitsConfigSchema = z.object({
  /** Questions (chat / compare `generate`, arena `ask` / `regenerate`) per minute. */
  requestsPerMinuteIp: perMinute.default(60),
  requestsPerMinuteSession: perMinute.default(30),
  /** Answers queued or running at once. */
  jobsInFlightIp: perMinute.default(8),
  jobsInFlightSession: perMinute.default(4),
  uploadsPerMinuteIp: perMinute.default(30),
  feedbackPerMinuteIp: perMinute.default(30),
  votesPerMinuteIp: perMinute.default(30),
  /** New arena battles per minute. */
  battlesPerMinuteIp: perMinute.default(20),
  /** Failed admin logins per IP per 15 minutes. */
  adminLoginFailuresIp: perMinute.default(10),
  /**
   * Milliseconds a client that left (socket closed) may take to resume before its answers still
   * queued are taken off the queue (not started). Long enough for a reload or a network switch.
   */
  departedClientGraceMs: perMinute.default(30_000),
});
export type LimitsConfig = z.infer<typeof limitsConfigSchema>;

export const DEFAULT_LIMITS: LimitsConfig = limitsConfigSchema.parse({});

const ENV_NAMES: Record<keyof LimitsConfig, string> = {
  requestsPerMinuteIp: 'LIMIT_REQUESTS_PER_MIN_IP',
  requestsPerMinuteSession: 'LIMIT_REQUESTS_PER_MIN_SESSION',
  jobsInFlightIp: 'LIMIT_JOBS_IN_FLIGHT_IP',
  jobsInFlightSession: 'LIMIT_JOBS_IN_FLIGHT_SESSION',
  uploadsPerMinuteIp: 'LIMIT_UPLOADS_PER_MIN_IP',
  feedbackPerMinuteIp: 'LIMIT_FEEDBACK_PER_MIN_IP',
  votesPerMinuteIp: 'LIMIT_VOTES_PER_MIN_IP',
  battlesPerMinuteIp: 'LIMIT_BATTLES_PER_MIN_IP',
  adminLoginFailuresIp: 'LIMIT_ADMIN_LOGIN_FAILURES_IP',
  departedClientGraceMs: 'LIMIT_DEPARTED_CLIENT_GRACE_MS',
};

/** The limits from `LIMIT_*` variables (see ENV_NAMES); a bad value names its variable. */
export function parseLimitsConfig(env: NodeJS.ProcessEnv): LimitsConfig {
  const raw = Object.fromEntries(Object.entries(ENV_NAMES).map(([field, name]) => [field, env[name] === '' ? undefined : env[name]]));
  const parsed = limitsConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const named = parsed.error.issues.map((issue) => `${ENV_NAMES[issue.path[0] as keyof LimitsConfig] ?? issue.path.join('.')}: ${issue.message}`);
    throw new MgmError('BAD_REQUEST', `invalid limits: ${named.join('; ')} (${describeZodError(parsed.error)})`);
  }
  return parsed.data;
}

export function limitEnvName(field: keyof LimitsConfig): string {
  return ENV_NAMES[field];
}
