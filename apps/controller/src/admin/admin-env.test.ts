import { describe, expect, it } from 'vitest';
import { parseControllerConfig } from '../env.ts';

const token = 'a'.repeat(32);

describe('admin configuration', () => {
  it('leaves admin disabled without ADMIN_TOKEN outside production', () => {
    expect(parseControllerConfig({}).admin.token).toBeNull();
    expect(parseControllerConfig({ ADMIN_TOKEN: '' }).admin.token).toBeNull();
  });

  it('refuses to start in production without ADMIN_TOKEN, saying how to make one', () => {
    expect(() => parseControllerConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_TOKEN is not set.*openssl rand -hex 32/s);
    expect(parseControllerConfig({ NODE_ENV: 'production', ADMIN_TOKEN: token }).admin.token).toBe(token);
  });

  it('refuses a short token and reads the admin timings', () => {
    expect(() => parseControllerConfig({ ADMIN_TOKEN: 'short' })).toThrow(/at least 16 characters/);
    expect(parseControllerConfig({ ADMIN_TOKEN: token, ADMIN_PUSH_INTERVAL_MS: '250', ADMIN_DEAD_RETENTION_MS: '0', ADMIN_SESSION_TTL_S: '600' }).admin).toEqual({
      token,
      sessionTtlSeconds: 600,
      pushIntervalMs: 250,
      sampleIntervalMs: 5000,
      deadRetentionMs: 0,
    });
  });
});
