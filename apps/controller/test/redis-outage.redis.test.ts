import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '@mgm/protocol';
import { silentLogger } from '@mgm/worker/testing';
import { ImageKernels, normalizeUpload } from '@mgm/vision';
import { createController, type Controller } from '../src/controller.ts';
import { connectRedis, redisReady } from '../src/redis-connection.ts';
import { makePng } from './make-png.ts';
import { startPrivateRedis, type PrivateRedis } from './private-redis.ts';

const TOKEN = 'outage-admin-token-0123456789abcdef';
let server: PrivateRedis;
let controller: Controller;
let url: string;
const connections: Redis[] = [];

/** A controller wired as main.ts wires it (fail-fast command connections), on a private Redis. */
beforeAll(async () => {
  server = await startPrivateRedis();
  const redis = connectRedis(server.url, 'controller', silentLogger, 'commands');
  connections.push(redis);
  await redisReady(redis);
  const kernels = new ImageKernels();
  controller = await createController({
    redis,
    connect: (role, kind) => {
      const c = connectRedis(server.url, role, silentLogger, kind);
      connections.push(c);
      return c;
    },
    keys: redisKeys('outage'),
    logger: silentLogger,
    normalizeUpload: (bytes) => normalizeUpload(bytes, { maxBytes: 1024 * 1024 }, kernels),
    dataDir: await mkdtemp(path.join(tmpdir(), 'mgm-outage-')),
    imageTtlSeconds: 120,
    maxUploadBytes: 1024 * 1024,
    jobTtlSeconds: 120,
    watchdogIntervalMs: 300,
    admin: { token: TOKEN, defaultMetrics: false },
  });
  url = `http://127.0.0.1:${await controller.listen(0, '127.0.0.1')}`;
});

afterAll(async () => {
  await controller?.close();
  await new Promise<void>((resolve) => controller?.http.close(() => resolve()) ?? resolve());
  connections.forEach((c) => c.disconnect());
  await server?.kill();
});

const png = makePng(8, 8, [1, 2, 3]);
const routes: Array<[string, RequestInit?]> = [
  ['/healthz'],
  ['/readyz'],
  ['/api/models'],
  ['/api/workers'],
  ['/api/leaderboard'],
  [`/api/images/${'a'.repeat(64)}`],
  ['/api/images', { method: 'POST', headers: { 'content-type': 'image/png' }, body: png }],
  ['/api/admin/overview', { headers: { authorization: `Bearer ${TOKEN}` } }],
];

/** Every route's status, each request given 5 s (a hang fails the test: no answer is not an answer). */
async function statuses(): Promise<Record<string, number>> {
  const entries = await Promise.all(
    routes.map(async ([route, init]) => {
      const res = await fetch(`${url}${route}`, { ...init, signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      return [`${init?.method ?? 'GET'} ${route}`, res.status] as const;
    }),
  );
  return Object.fromEntries(entries);
}

describe('while Redis is down', () => {
  it('every HTTP route answers (503 UNAVAILABLE where it needs Redis), and all recover when Redis is back', async () => {
    const up = await statuses();
    expect(up['GET /healthz']).toBe(200);
    expect(up['GET /api/models']).toBe(200);

    await server.kill();
    // Give ioredis a moment to notice the closed connection.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const down = await statuses();
    // The leaderboard is computed from the vote log on disk: it needs no Redis.
    for (const [route, status] of Object.entries(down)) {
      expect([route, status]).toEqual([route, route === 'GET /api/leaderboard' ? 200 : 503]);
    }
    const body = (await (await fetch(`${url}/api/models`, { signal: AbortSignal.timeout(5000) })).json()) as { error: { code: string } };
    expect(body.error.code).toBe('UNAVAILABLE');

    await server.start();
    const deadline = Date.now() + 15_000;
    let back = await statuses().catch(() => ({}) as Record<string, number>);
    while (back['GET /api/models'] !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      back = await statuses().catch(() => ({}) as Record<string, number>);
    }
    expect(back['GET /healthz']).toBe(200);
    expect(back['GET /api/models']).toBe(200);
    expect(back['POST /api/images']).toBe(201);
  });
});
