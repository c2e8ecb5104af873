import { describe, expect, it } from 'vitest';
import { parseControllerConfig } from '../env.ts';

const production = { NODE_ENV: 'production', ADMIN_TOKEN: 'a-long-enough-admin-token' };

describe('the OpenAI API settings', () => {
  it('is open for the local demo and closed in production', () => {
    expect(parseControllerConfig({}).openai).toEqual({ openAccess: true, fetchImages: false, fetchTimeoutMs: 10_000 });
    expect(parseControllerConfig(production).openai.openAccess).toBe(false);
    expect(parseControllerConfig({ API_OPEN_ACCESS: 'false' }).openai.openAccess).toBe(false);
  });

  it('refuses to start open in production, as without ADMIN_TOKEN', () => {
    expect(() => parseControllerConfig({ ...production, API_OPEN_ACCESS: 'true' })).toThrow(/API_OPEN_ACCESS=true with NODE_ENV=production/);
    expect(parseControllerConfig({ ...production, API_OPEN_ACCESS: 'false' }).openai.openAccess).toBe(false);
  });

  it('fetches image URLs only when the operator says so, and names a wrong value', () => {
    expect(parseControllerConfig({ API_IMAGE_FETCH: 'true', API_IMAGE_FETCH_TIMEOUT_MS: '5000' }).openai).toMatchObject({ fetchImages: true, fetchTimeoutMs: 5000 });
    expect(() => parseControllerConfig({ API_IMAGE_FETCH: 'yes' })).toThrow(/fetchImages/);
  });
});
