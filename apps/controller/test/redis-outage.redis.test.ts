import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientFrame, GenerateAck } from '@mgm/protocol';
import type { Controller } from '../src/controller.ts';
import { makePng } from './make-png.ts';
import type { PrivateRedis } from './private-redis.ts';
import { startPrivateRedisController, type PrivateRedisController } from './private-redis-controller.ts';
import { spawnFakeWorker, type SpawnedWorker } from './spawn-fake-worker.ts';
import { framesUntilEnd, openClient, type ClientSocket } from './test-controller.ts';

const TOKEN = 'outage-admin-token-0123456789abcdef';
const PREFIX = 'outage';
const workers: SpawnedWorker[] = [];
const sockets: ClientSocket[] = [];
let server: PrivateRedis;
let controller: Controller;
let url: string;
let stack: PrivateRedisController | undefined;

beforeAll(async () => {
  stack = await startPrivateRedisController(PREFIX, { admin: { token: TOKEN, defaultMetrics: false } });
  ({ server, controller, url } = stack);
});

afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  for (const w of workers) {
    w.kill('SIGKILL');
    await w.exited;
  }
  await stack?.close();
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

const ANSWER = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');

describe('when Redis restarts empty while answers stream', () => {
  it('every followed answer ends (STREAM_LOST or a complete answer), and no client gets a stream with a gap', async () => {
    for (const id of ['lost-w1', 'lost-w2']) {
      workers.push(
        await spawnFakeWorker({ REDIS_URL: server.url, REDIS_PREFIX: PREFIX, FAKE_MODEL: 'alpha', WORKER_ID: id, FAKE_TOKEN_DELAY_MS: '40', FAKE_ANSWER: ANSWER }),
      );
    }
    const followed: Array<{ socket: ClientSocket; jobId: string; done: Promise<Map<string, ClientFrame[]>> }> = [];
    for (let i = 0; i < 4; i += 1) {
      const socket = await openClient(url);
      sockets.push(socket);
      const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', { messages: [{ role: 'user', content: `q${i}` }], models: ['alpha'] });
      if (!ack.ok) throw new Error(ack.error.message);
      const jobId = ack.jobs[0]!.jobId;
      followed.push({ socket, jobId, done: framesUntilEnd(socket, [jobId], 20_000) });
    }
    // Two answers are streaming (one per worker), two wait in the queue.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await server.kill();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.start();

    const outcomes = await Promise.all(followed.map(async ({ jobId, done }) => (await done).get(jobId)!));
    for (const frames of outcomes) {
      // Consecutive seqs from 0: nothing missing, nothing twice.
      expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
      const last = frames.at(-1)!;
      if (last.type === 'end') {
        let text = '';
        for (const f of frames) {
          if (f.type === 'start') text = '';
          if (f.type === 'delta') text += f.text;
        }
        expect(text).toBe(last.text);
      } else {
        expect(last).toMatchObject({ type: 'error', code: 'STREAM_LOST' });
      }
    }
    expect(outcomes.some((frames) => frames.at(-1)?.type === 'error')).toBe(true);
  }, 60_000);
});
