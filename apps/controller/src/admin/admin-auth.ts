import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ADMIN_SESSION_COOKIE, MgmError, type RedisKeys } from '@mgm/protocol';
import { parseCookies, serializeCookie } from './cookies.ts';

export interface AdminAuthOptions {
  redis: Redis;
  keys: RedisKeys;
  /** ADMIN_TOKEN; null: admin is disabled and every admin request is refused. */
  token: string | null;
  sessionTtlSeconds: number;
}

export interface AdminPrincipal {
  via: 'bearer' | 'session';
  /** Epoch ms; null for a bearer token. */
  expiresAt: number | null;
  /** Redis key part of the session (sha256 of the cookie value). */
  sessionHash: string | null;
}

const sessionSchema = z.object({
  /** Which token the session was opened with: changing ADMIN_TOKEN ends every session. */
  token: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
});

/**
 * Admin access: the ADMIN_TOKEN as a Bearer header (API, Prometheus), or a session opened by
 * logging in with the token (httpOnly cookie; the session lives in Redis, so every controller
 * behind a load balancer accepts it and logout ends it everywhere).
 */
export class AdminAuth {
  private readonly tokenDigest: Buffer | null;
  private readonly tokenFingerprint: string | null;

  constructor(private readonly options: AdminAuthOptions) {
    this.tokenDigest = options.token === null ? null : sha256(`token:${options.token}`);
    this.tokenFingerprint = options.token === null ? null : sha256(`fingerprint:${options.token}`).toString('hex').slice(0, 32);
  }

  get enabled(): boolean {
    return this.tokenDigest !== null;
  }

  /** Constant-time comparison with ADMIN_TOKEN (digests of equal length, whatever the input). */
  tokenMatches(candidate: string): boolean {
    if (this.tokenDigest === null) return false;
    return timingSafeEqual(sha256(`token:${candidate}`), this.tokenDigest);
  }

  /** Opens a session for the right token; answers the cookie value and its expiry. */
  async login(candidate: string): Promise<{ cookieValue: string; expiresAt: number }> {
    if (!this.enabled) throw disabledError();
    if (!this.tokenMatches(candidate)) throw new MgmError('UNAUTHORIZED', 'wrong admin token');
    const cookieValue = randomBytes(32).toString('base64url');
    const now = Date.now();
    const expiresAt = now + this.options.sessionTtlSeconds * 1000;
    const session: z.infer<typeof sessionSchema> = { token: this.tokenFingerprint!, createdAt: now, expiresAt };
    await this.options.redis.set(this.sessionKey(hashSession(cookieValue)), JSON.stringify(session), 'EX', this.options.sessionTtlSeconds);
    return { cookieValue, expiresAt };
  }

  async logout(principal: AdminPrincipal): Promise<void> {
    if (principal.sessionHash) await this.options.redis.del(this.sessionKey(principal.sessionHash));
  }

  /**
   * Who is asking, from a Bearer header or the session cookie (or, for socket.io, the token in
   * the handshake); null when neither is valid.
   */
  async authorize(headers: IncomingHttpHeaders, handshakeToken?: unknown): Promise<AdminPrincipal | null> {
    if (!this.enabled) return null;
    const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
    if (bearer !== undefined) return this.tokenMatches(bearer) ? { via: 'bearer', expiresAt: null, sessionHash: null } : null;
    if (typeof handshakeToken === 'string') return this.tokenMatches(handshakeToken) ? { via: 'bearer', expiresAt: null, sessionHash: null } : null;
    const cookie = parseCookies(headers.cookie).get(ADMIN_SESSION_COOKIE);
    if (!cookie) return null;
    const sessionHash = hashSession(cookie);
    const expiresAt = await this.sessionExpiry(sessionHash);
    return expiresAt === null ? null : { via: 'session', expiresAt, sessionHash };
  }

  /** Whether a principal is still valid (sessions end by logout, expiry, or a new ADMIN_TOKEN). */
  async stillValid(principal: AdminPrincipal): Promise<boolean> {
    if (principal.sessionHash === null) return this.enabled;
    return (await this.sessionExpiry(principal.sessionHash)) !== null;
  }

  sessionCookie(cookieValue: string, secure: boolean): string {
    return serializeCookie(ADMIN_SESSION_COOKIE, cookieValue, { maxAgeSeconds: this.options.sessionTtlSeconds, secure });
  }

  clearedCookie(secure: boolean): string {
    return serializeCookie(ADMIN_SESSION_COOKIE, '', { maxAgeSeconds: 0, secure });
  }

  private async sessionExpiry(sessionHash: string): Promise<number | null> {
    const raw = await this.options.redis.get(this.sessionKey(sessionHash));
    if (raw === null) return null;
    let session;
    try {
      session = sessionSchema.parse(JSON.parse(raw));
    } catch {
      return null;
    }
    if (session.token !== this.tokenFingerprint || session.expiresAt <= Date.now()) return null;
    return session.expiresAt;
  }

  private sessionKey(sessionHash: string): string {
    return this.options.keys.adminSession(sessionHash);
  }
}

export function disabledError(): MgmError {
  return new MgmError('UNAUTHORIZED', 'admin is disabled on this controller: start it with ADMIN_TOKEN set');
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function hashSession(cookieValue: string): string {
  return createHash('sha256').update(`session:${cookieValue}`).digest('hex');
}
