import type { Redis } from 'ioredis';
import { io as connectSocket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GenerateAck, RedisKeys } from '@mgm/protocol';
import { startTestWorker, type TestWorker } from '@mgm/worker/testing';
import { DEFAULT_LIMITS } from '../src/limits/index.ts';
import { makePng } from './make-png.ts';
import { type ControllerTestStack, startControllerTestStack, stopControllerTestStack } from './controller-test-stack.ts';
import { framesUntilEnd, type ClientSocket, type TestController } from './test-controller.ts';

const TOKEN = 'limits-admin-token-0123456789abcdef';
let stack: ControllerTestStack;
let redis: Redis;
let keys: RedisKeys;
let ctl: TestController;
const workers: TestWorker[] = [];
const sockets: ClientSocket[] = [];

beforeEach(async () => {
  stack = await startControllerTestStack('limits', {
    admin: { token: TOKEN, defaultMetrics: false },
    limits: { ...DEFAULT_LIMITS, requestsPerMinuteIp: 1000, jobsInFlightIp: 100, requestsPerMinuteSession: 6, jobsInFlightSession: 2, uploadsPerMinuteIp: 2, adminLoginFailuresIp: 3 },
  });
  ({ redis, keys, ctl } = stack);
});

afterEach(() => stopControllerTestStack(stack, { sockets, workers }));

async function client(session: string): Promise<ClientSocket> {
  const socket: ClientSocket = connectSocket(ctl.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { session } });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

const ask = (socket: ClientSocket, content: string): Promise<GenerateAck> =>
  socket.timeout(5000).emitWithAck('generate', { messages: [{ role: 'user', content }], models: ['alpha'] });

describe('per-client limits', () => {
  it('refuses a flooding session with RATE_LIMITED (jobs in flight, then requests per minute) while a polite one is served', async () => {
    workers.push(await startTestWorker(keys, { workerId: 'lim-1', name: 'alpha', tokenDelayMs: 30 }));
    const flood = await client('flooding-session-0001');
    const polite = await client('polite-session-00002');

    const acks = await Promise.all(Array.from({ length: 5 }, (_, i) => ask(flood, `flood ${i}`)));
    const admitted = acks.filter((a): a is Extract<GenerateAck, { ok: true }> => a.ok);
    const refused = acks.filter((a): a is Extract<GenerateAck, { ok: false }> => !a.ok);
    expect(admitted).toHaveLength(2);
    expect(refused.map((a) => a.error.code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(refused[0]!.error.message).toMatch(/at most 2 answers in progress/);
    const floodDone = framesUntilEnd(flood, admitted.map((a) => a.jobs[0]!.jobId), 25_000);

    // The polite session is not held back by the flood beside it.
    const mine = await ask(polite, 'what colour?');
    if (!mine.ok) throw new Error(mine.error.message);
    const frames = (await framesUntilEnd(polite, [mine.jobs[0]!.jobId])).get(mine.jobs[0]!.jobId)!;
    expect([frames.at(-1)?.type, frames.at(-1)?.type === 'error' ? frames.at(-1) : 'stop']).toEqual(['end', 'stop']);

    // Once the flood's answers end, its slots free themselves; then the per-minute ceiling (6) holds.
    await floodDone;
    const later: GenerateAck[] = [];
    for (let i = 0; i < 3; i += 1) later.push(await ask(flood, `again ${i}`));
    expect(later.map((a) => (a.ok ? 'ok' : a.error.code))).toContain('RATE_LIMITED');
    const perMinute = later.find((a) => !a.ok && /per minute/.test(a.error.message));
    expect(perMinute).toBeDefined();

    const metrics = await (await fetch(`${ctl.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(metrics).toContain('mgm:client_limit{limit="jobsInFlightSession"} 2');
    expect(metrics).toMatch(/mgm:rate_limited_total\{limit="jobs_in_flight_session"\} [1-9]/);
  });

  it('charges nothing for a question refused for its model or image (checked while the limits are taken)', async () => {
    workers.push(await startTestWorker(keys, { workerId: 'lim-2', name: 'alpha', tokenDelayMs: 30 }));
    const socket = await client('refused-session-0001');
    const askFor = (models: string[], imageId?: string): Promise<GenerateAck> =>
      socket.timeout(5000).emitWithAck('generate', { messages: [{ role: 'user', content: 'hello' }], models, ...(imageId ? { imageId } : {}) });
    // More refused questions than the session's 6 per minute, each with more jobs than its 2 in flight.
    for (let i = 0; i < 4; i += 1) expect(await askFor(['alpha', 'nope', 'beta'])).toMatchObject({ ok: false, error: { code: 'MODEL_NOT_FOUND' } });
    for (let i = 0; i < 4; i += 1) expect(await askFor(['alpha'], 'f'.repeat(64))).toMatchObject({ ok: false, error: { code: 'IMAGE_NOT_FOUND' } });
    // None of them took a slot or a hit: two questions at once are both admitted.
    const acks = await Promise.all([askFor(['alpha']), askFor(['alpha'])]);
    expect(acks.map((a) => (a.ok ? 'ok' : a.error.code))).toEqual(['ok', 'ok']);
    await framesUntilEnd(socket, acks.map((a) => (a.ok ? a.jobs[0]!.jobId : '')), 25_000);
  });

  it('answers 429 with Retry-After over the upload limit', async () => {
    const post = () => fetch(`${ctl.url}/api/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: makePng(8, 8, [1, 2, 3]) });
    expect((await post()).status).toBe(201);
    expect((await post()).status).toBe(201);
    const third = await post();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
  });

  it('limits failed admin logins per IP (429 + Retry-After, even for the right token until the window ends)', async () => {
    const login = (token: string) =>
      fetch(`${ctl.url}/api/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    for (let i = 0; i < 3; i += 1) expect((await login(`wrong-token-${i}-0123456789`)).status).toBe(401);
    const blocked = await login('wrong-token-again-0123456789');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(60);
    expect((await login(TOKEN)).status).toBe(429);
  });
});

describe('socket.io origins', () => {
  const open = (origin: string) =>
    new Promise<'connected' | 'refused'>((resolve) => {
      const socket: ClientSocket = connectSocket(ctl.url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { origin } });
      sockets.push(socket);
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', () => resolve('refused'));
    });

  it("accepts the app's own origin and refuses another site's page", async () => {
    expect(await open(ctl.url)).toBe('connected');
    expect(await open('https://evil.example')).toBe('refused');
  });
});
