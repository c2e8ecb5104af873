import { z } from 'zod';
import { MgmError } from './mgm-error.ts';

/**
 * Where and how to reach Redis, parsed once from REDIS_URL. Every connection of a process (its
 * commands, its subscribers, BullMQ's queues, workers and event readers) is built from this one
 * object, so TLS and credentials are never applied to some connections and forgotten on others.
 * The shape is a subset of ioredis' options: spread it into `new Redis({...})`.
 */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  db: number;
  /** ACL user (Redis 6+); absent: the "default" user. */
  username?: string;
  password?: string;
  /** rediss://: TLS, verifying the server certificate (extra CAs: NODE_EXTRA_CA_CERTS). */
  tls?: { servername?: string };
  family?: 4 | 6;
}

const HOW = 'use redis://[user:password@]host[:port][/db] or rediss://… for TLS';

/** REDIS_URL as zod sees it: any URL `redisConnectionOptions` accepts. */
export const redisUrlSchema = z.string().superRefine((value, ctx) => {
  try {
    redisConnectionOptions(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
  }
});

/** Parses a redis:// or rediss:// URL; throws an MgmError that says what is wrong with it. */
export function redisConnectionOptions(url: string): RedisConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MgmError('BAD_REQUEST', `REDIS_URL is not a URL: ${HOW}`);
  }
  const scheme = parsed.protocol.toLowerCase();
  if (scheme !== 'redis:' && scheme !== 'rediss:') {
    throw new MgmError('BAD_REQUEST', `REDIS_URL has the scheme "${parsed.protocol}": ${HOW}`);
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new MgmError('BAD_REQUEST', `REDIS_URL has no host: ${HOW}`);
  const port = parsed.port ? Number(parsed.port) : 6379;
  const dbText = parsed.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,2}$/.test(dbText)) {
    throw new MgmError('BAD_REQUEST', `REDIS_URL names the database "${dbText}": the path is a database number (0-15)`);
  }
  const options: RedisConnectionOptions = { host, port, db: dbText === '' ? 0 : Number(dbText) };
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  if (options.username && !options.password) {
    throw new MgmError('BAD_REQUEST', 'REDIS_URL names a user without a password: write redis://user:password@host');
  }
  if (scheme === 'rediss:') options.tls = isIpAddress(host) ? {} : { servername: host };
  for (const [key, value] of parsed.searchParams) {
    if (key === 'family' && (value === '4' || value === '6')) {
      options.family = Number(value) as 4 | 6;
      continue;
    }
    throw new MgmError('BAD_REQUEST', `REDIS_URL has the option "${key}=${value}", which is not supported (only family=4|6)`);
  }
  return options;
}

/** The URL with its password replaced by "***", for logs and messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}
