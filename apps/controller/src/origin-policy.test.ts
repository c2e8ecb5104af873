import { describe, expect, it } from 'vitest';
import { originAllowed, parseAllowedOrigins } from './origin-policy.ts';

describe('originAllowed', () => {
  it("allows the app's own origin, listed origins and clients without one; refuses other sites", () => {
    expect(originAllowed({ host: 'localhost:3000', origin: 'http://localhost:3000' }, [])).toBe(true);
    expect(originAllowed({ host: '127.0.0.1:8780', 'x-forwarded-host': 'chat.example.org', origin: 'https://chat.example.org' }, [])).toBe(true);
    expect(originAllowed({ host: '127.0.0.1:8780' }, [])).toBe(true);
    expect(originAllowed({ host: 'localhost:3000', origin: 'https://evil.example' }, [])).toBe(false);
    expect(originAllowed({ host: 'localhost:3000', origin: 'https://partner.example' }, ['https://partner.example'])).toBe(true);
    expect(originAllowed({ host: 'localhost:3000', origin: 'null' }, [])).toBe(false);
    expect(parseAllowedOrigins(' https://a.example/, https://b.example ,')).toEqual(['https://a.example', 'https://b.example']);
  });
});
