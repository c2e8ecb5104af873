import { describe, expect, it } from 'vitest';
import { parseCookies, serializeCookie } from './cookies.ts';

describe('cookies', () => {
  it('parses a Cookie header, first value of a name wins', () => {
    const cookies = parseCookies('a=1; mgm_admin=abc%2Fdef; b="q"; a=2; junk');
    expect(cookies.get('a')).toBe('1');
    expect(cookies.get('mgm_admin')).toBe('abc/def');
    expect(cookies.get('b')).toBe('q');
    expect(cookies.has('junk')).toBe(false);
    expect(parseCookies(undefined).size).toBe(0);
  });

  it('writes httpOnly strict cookies, Secure only when asked', () => {
    expect(serializeCookie('s', 'v/1', { maxAgeSeconds: 60, secure: false })).toBe('s=v%2F1; Path=/; HttpOnly; SameSite=Strict; Max-Age=60');
    expect(serializeCookie('s', '', { maxAgeSeconds: 0, secure: true })).toMatch(/Max-Age=0; Secure$/);
  });
});
