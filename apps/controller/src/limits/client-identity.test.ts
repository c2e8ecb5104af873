import { describe, expect, it } from 'vitest';
import { clientIp, sessionOf } from './client-identity.ts';

describe('clientIp', () => {
  it("takes the proxy's last X-Forwarded-For entry from a loopback peer only", () => {
    expect(clientIp('127.0.0.1', '198.51.100.7, 203.0.113.9')).toBe('203.0.113.9');
    expect(clientIp('::ffff:127.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    // A direct client cannot choose its key with the header.
    expect(clientIp('203.0.113.50', '10.0.0.1')).toBe('203.0.113.50');
    expect(clientIp('::ffff:203.0.113.50', undefined)).toBe('203.0.113.50');
    expect(clientIp('127.0.0.1', 'not-an-ip')).toBe('127.0.0.1');
  });

  it('accepts only well-formed session ids', () => {
    expect(sessionOf('0f8b2c2e-6a4e-4c55-9c43-1f2e3d4c5b6a')).toBe('0f8b2c2e-6a4e-4c55-9c43-1f2e3d4c5b6a');
    expect(sessionOf('short')).toBeUndefined();
    expect(sessionOf({ a: 1 })).toBeUndefined();
    expect(sessionOf('x'.repeat(65))).toBeUndefined();
  });
});
