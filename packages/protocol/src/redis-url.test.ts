import { describe, expect, it } from 'vitest';
import { redactRedisUrl, redisConnectionOptions, redisUrlSchema } from './redis-url.ts';

describe('redisConnectionOptions', () => {
  it('reads host, port and database', () => {
    expect(redisConnectionOptions('redis://127.0.0.1:6380/2')).toEqual({ host: '127.0.0.1', port: 6380, db: 2 });
    expect(redisConnectionOptions('redis://cache')).toEqual({ host: 'cache', port: 6379, db: 0 });
    expect(redisConnectionOptions('redis://[::1]:7000')).toEqual({ host: '::1', port: 7000, db: 0 });
  });

  it('reads a password alone (requirepass) and an ACL user with its password, percent-decoded', () => {
    expect(redisConnectionOptions('redis://:s3cr%40t@h:1')).toMatchObject({ password: 's3cr@t' });
    expect(redisConnectionOptions('redis://:s3cr%40t@h:1').username).toBeUndefined();
    expect(redisConnectionOptions('redis://mgm-worker:p%2Fw@h')).toMatchObject({ username: 'mgm-worker', password: 'p/w' });
  });

  it('turns rediss:// into TLS with the host as the certificate name (not for IP addresses)', () => {
    expect(redisConnectionOptions('rediss://u:p@redis.example.com:6380')).toEqual({
      host: 'redis.example.com',
      port: 6380,
      db: 0,
      username: 'u',
      password: 'p',
      tls: { servername: 'redis.example.com' },
    });
    expect(redisConnectionOptions('REDISS://10.0.0.5').tls).toEqual({});
    expect(redisConnectionOptions('redis://h').tls).toBeUndefined();
  });

  it('refuses what it would otherwise ignore, with a message naming the problem', () => {
    expect(() => redisConnectionOptions('http://h')).toThrow(/scheme "http:"/);
    expect(() => redisConnectionOptions('localhost:6379')).toThrow(/scheme|not a URL/);
    expect(() => redisConnectionOptions('redis://h/cache')).toThrow(/database "cache"/);
    expect(() => redisConnectionOptions('redis://user@h')).toThrow(/without a password/);
    expect(() => redisConnectionOptions('redis://h?tls=true')).toThrow(/"tls=true".*not supported/);
    expect(redisConnectionOptions('redis://h?family=6').family).toBe(6);
    expect(redisUrlSchema.safeParse('ftp://x').success).toBe(false);
    expect(redisUrlSchema.safeParse('rediss://x').success).toBe(true);
  });

  it('redacts the password for logs', () => {
    expect(redactRedisUrl('rediss://u:secret@h:1/0')).toBe('rediss://u:***@h:1/0');
    expect(redactRedisUrl('redis://h')).toBe('redis://h');
  });
});
