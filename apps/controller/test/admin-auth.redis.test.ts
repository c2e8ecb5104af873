import type { Redis } from 'ioredis';
import { io as connectSocket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_NAMESPACE, adminSnapshotSchema, type RedisKeys } from '@mgm/protocol';
import { startTestWorker, type TestWorker } from '@mgm/worker/testing';
import { adminRoutes } from '../src/admin/admin-routes.ts';
import { type ControllerTestStack, startControllerTestStack, stopControllerTestStack } from './controller-test-stack.ts';
import { startTestController, type TestController } from './test-controller.ts';

const TOKEN = 'test-admin-token-0123456789abcdef';

let stack: ControllerTestStack;
let redis: Redis;
let keys: RedisKeys;
let ctl: TestController;
const workers: TestWorker[] = [];

beforeEach(async () => {
  stack = await startControllerTestStack('admin-auth', { admin: { token: TOKEN, pushIntervalMs: 200, defaultMetrics: false } });
  ({ redis, keys, ctl } = stack);
});

afterEach(() => stopControllerTestStack(stack, { workers }));

/** Every admin route, plus admin paths that match no route (they must not reveal that either). */
const everyAdminRequest: Array<{ method: string; path: string }> = [
  ...adminRoutes.map((route) => ({ method: route.method, path: route.example })),
  { method: 'POST', path: '/api/admin/login' },
  { method: 'GET', path: '/api/admin/no-such-route' },
  { method: 'DELETE', path: '/api/admin/workers' },
];

async function call(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const res = await fetch(`${ctl.url}${path}`, { method, headers, body });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

describe('admin access', () => {
  it('answers 401 on every admin route without the token, with a wrong token, or with a forged cookie, and leaks nothing', async () => {
    workers.push(await startTestWorker(keys, { workerId: 'secret-worker-id', name: 'alpha' }));
    expect(adminRoutes.length).toBeGreaterThanOrEqual(12);
    const credentialSets: Record<string, string>[] = [{}, { authorization: `Bearer ${TOKEN}x` }, { authorization: 'Basic abc' }, { cookie: 'mgm_admin=forged' }];
    for (const credentials of credentialSets) {
      for (const { method, path } of everyAdminRequest) {
        const answer = await call(method, path, credentials, method === 'POST' ? '{}' : undefined);
        expect(answer.status, `${method} ${path} with ${JSON.stringify(credentials)}`).toBe(401);
        expect(JSON.parse(answer.text).error.code).toBe('UNAUTHORIZED');
        for (const secret of ['secret-worker-id', String(process.pid), '"host"', 'mgm:requests_total', 'waiting']) {
          expect(answer.text).not.toContain(secret);
        }
      }
    }
    expect((await call('POST', '/api/admin/login', { 'content-type': 'application/json' }, JSON.stringify({ token: 'nope' }))).status).toBe(401);
  });

  it('accepts the token as a Bearer header', async () => {
    workers.push(await startTestWorker(keys, { workerId: 'w-bearer', name: 'alpha' }));
    const bearer = { authorization: `Bearer ${TOKEN}` };
    const session = await call('GET', '/api/admin/session', bearer);
    expect(session.status).toBe(200);
    expect(JSON.parse(session.text)).toEqual({ ok: true, via: 'bearer', expiresAt: null });
    const overview = adminSnapshotSchema.parse(JSON.parse((await call('GET', '/api/admin/overview', bearer)).text));
    expect(overview.workers.map((w) => [w.id, w.liveness, w.pid])).toEqual([['w-bearer', 'alive', process.pid]]);
    const metrics = await call('GET', '/metrics', bearer);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    expect(metrics.text).toContain('mgm:workers{model="alpha",state="ready"} 1');
    expect((await call('GET', '/api/admin/no-such-route', bearer)).status).toBe(404);
  });

  it('logs in with the token into an httpOnly session cookie that works until logout', async () => {
    const login = await call('POST', '/api/admin/login', { 'content-type': 'application/json' }, JSON.stringify({ token: TOKEN }));
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^mgm_admin=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    const cookie = setCookie.split(';')[0]!;
    // The session is stored hashed: the cookie value is not a Redis key.
    expect(await redis.exists(keys.adminSession(cookie.split('=')[1]!))).toBe(0);

    const session = await call('GET', '/api/admin/session', { cookie });
    expect(session.status).toBe(200);
    expect(JSON.parse(session.text)).toMatchObject({ ok: true, via: 'session' });
    expect((await call('GET', '/api/admin/workers', { cookie })).status).toBe(200);

    // Changes asked from another site with the cookie are refused.
    const crossSite = await call('POST', '/api/admin/models/alpha/queue/pause', { cookie, origin: 'https://evil.example' });
    expect(crossSite.status).toBe(401);
    expect(JSON.parse(crossSite.text).error.message).toMatch(/cross-site/);
    const sameSite = await call('POST', '/api/admin/models/alpha/queue/pause', { cookie, origin: ctl.url });
    expect(sameSite.status).toBe(200);

    const logout = await call('POST', '/api/admin/logout', { cookie });
    expect(logout.status).toBe(200);
    expect(logout.headers.get('set-cookie')).toMatch(/^mgm_admin=; .*Max-Age=0/);
    expect((await call('GET', '/api/admin/session', { cookie })).status).toBe(401);
  });

  it('opens the admin namespace only with a session or the token', async () => {
    const refused = await new Promise<string>((resolve, reject) => {
      const socket = connectSocket(`${ctl.url}${ADMIN_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true });
      socket.on('snapshot', () => reject(new Error('a snapshot reached an unauthenticated socket')));
      socket.on('connect_error', (error) => {
        socket.close();
        resolve(error.message);
      });
    });
    expect(refused).toBe('unauthorized');

    const snapshot = await new Promise<unknown>((resolve, reject) => {
      const socket = connectSocket(`${ctl.url}${ADMIN_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: TOKEN } });
      socket.on('connect_error', reject);
      socket.on('snapshot', (value) => {
        socket.close();
        resolve(value);
      });
    });
    expect(adminSnapshotSchema.parse(snapshot).workers).toEqual([]);
  });

  it('answers 401 everywhere when admin is disabled (no ADMIN_TOKEN), and /readyz stays public', async () => {
    const disabled = await startTestController(keys, { admin: { token: null, defaultMetrics: false } });
    try {
      for (const { method, path } of everyAdminRequest) {
        const res = await fetch(`${disabled.url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/ADMIN_TOKEN|admin only/);
      }
      const ready = await fetch(`${disabled.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ ready: true, redis: 'up' });
    } finally {
      await disabled.close();
    }
  });
});
