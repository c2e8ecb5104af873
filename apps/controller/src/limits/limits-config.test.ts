import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, parseLimitsConfig } from './limits-config.ts';

describe('parseLimitsConfig', () => {
  it('has defaults, reads LIMIT_* variables and names a bad one', () => {
    expect(parseLimitsConfig({})).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS.jobsInFlightSession).toBe(4);
    expect(DEFAULT_LIMITS.departedClientGraceMs).toBe(30_000);
    expect(parseLimitsConfig({ LIMIT_DEPARTED_CLIENT_GRACE_MS: '5000' }).departedClientGraceMs).toBe(5000);
    expect(parseLimitsConfig({ LIMIT_JOBS_IN_FLIGHT_IP: '3', LIMIT_UPLOADS_PER_MIN_IP: '0' })).toMatchObject({ jobsInFlightIp: 3, uploadsPerMinuteIp: 0 });
    expect(() => parseLimitsConfig({ LIMIT_VOTES_PER_MIN_IP: '-1' })).toThrow(/LIMIT_VOTES_PER_MIN_IP/);
  });
});
