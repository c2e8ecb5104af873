import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  adminActionResultSchema,
  adminSeriesSchema,
  adminSnapshotSchema,
  type AdminSnapshot,
  type ClientFrame,
  type GenerateAck,
  type RedisKeys,
} from '@mgm/protocol';
import { startTestWorker, waitFor, type TestWorker } from '@mgm/worker/testing';
import { type ControllerTestStack, startControllerTestStack, stopControllerTestStack } from './controller-test-stack.ts';
import { spawnFakeWorker, type SpawnedWorker } from './spawn-fake-worker.ts';
import { framesUntilEnd, openClient, type ClientSocket, type TestController } from './test-controller.ts';

const TOKEN = 'actions-admin-token-0123456789';
const bearer = { authorization: `Bearer ${TOKEN}` };

let stack: ControllerTestStack;
let redis: Redis;
let keys: RedisKeys;
let prefix: string;
let ctl: TestController;
let socket: ClientSocket;
const workers: TestWorker[] = [];
const processes: SpawnedWorker[] = [];

beforeEach(async () => {
  stack = await startControllerTestStack('admin-actions', { admin: { token: TOKEN, pushIntervalMs: 100, sampleIntervalMs: 500, deadRetentionMs: 1500, defaultMetrics: false } });
  ({ redis, keys, prefix, ctl } = stack);
  socket = await openClient(ctl.url);
});

afterEach(async () => {
  socket.close();
  await stopControllerTestStack(stack, { spawned: processes, workers });
});

async function get<T>(path: string, schema: { parse: (value: unknown) => T }): Promise<T> {
  const res = await fetch(`${ctl.url}${path}`, { headers: bearer });
  expect(res.status, path).toBe(200);
  return schema.parse(await res.json());
}

async function post(path: string): Promise<{ status: number; body: { ok?: boolean; message?: string; count?: number; error?: { code: string; message: string } } }> {
  const res = await fetch(`${ctl.url}${path}`, { method: 'POST', headers: bearer });
  return { status: res.status, body: (await res.json()) as never };
}

const overview = () => get('/api/admin/overview', adminSnapshotSchema);

async function ask(question: string, model = 'alpha'): Promise<string> {
  const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', { messages: [{ role: 'user', content: question }], models: [model] });
  if (!ack.ok) throw new Error(ack.error.message);
  return ack.jobs[0]!.jobId;
}

async function answer(question: string): Promise<ClientFrame[]> {
  const jobId = await ask(question);
  return (await framesUntilEnd(socket, [jobId])).get(jobId)!;
}

describe('admin actions', () => {
  it('pauses one worker (acknowledged) so new jobs go to the other worker of the model, then resumes it', async () => {
    workers.push(await startTestWorker(keys, { workerId: 'w-a', name: 'alpha', tokenDelayMs: 1 }));
    workers.push(await startTestWorker(keys, { workerId: 'w-b', name: 'alpha', tokenDelayMs: 1 }));

    const paused = await post('/api/admin/workers/w-a/pause');
    expect(paused).toEqual({ status: 200, body: { ok: true, message: 'w-a is paused' } });
    const snapshot = await overview();
    expect(snapshot.workers.map((w) => [w.id, w.state, w.liveness])).toEqual([
      ['w-a', 'paused', 'alive'],
      ['w-b', 'ready', 'alive'],
    ]);
    expect(snapshot.models[0]?.workers).toMatchObject({ alive: 2, ready: 1, paused: 1, dead: 0 });

    const labels = new Set<string>();
    for (let i = 0; i < 4; i += 1) {
      const start = (await answer(`question ${i}`)).find((f) => f.type === 'start');
      // The client sees the same opaque label each time; the admin view below has the real id.
      expect(start).toMatchObject({ type: 'start', workerId: expect.stringMatching(/^w-[0-9a-f]{10}$/) });
      if (start?.type === 'start') labels.add(start.workerId);
    }
    expect(labels.size).toBe(1);
    expect(labels.has('w-b')).toBe(false);
    const jobs = (await overview()).jobs;
    expect(jobs.filter((j) => j.state === 'completed').map((j) => j.workerId)).toEqual(['w-b', 'w-b', 'w-b', 'w-b']);
    expect(jobs[0]).toMatchObject({ model: 'alpha', finishReason: 'stop', errorCode: null });
    expect(jobs[0]?.generatedTokens).toBeGreaterThan(0);
    expect(jobs[0]?.ttftMs).not.toBeNull();

    expect((await post('/api/admin/workers/w-a/resume')).body).toEqual({ ok: true, message: 'w-a is ready' });
    expect((await post('/api/admin/workers/w-nobody/pause')).status).toBe(404);
    expect((await post('/api/admin/workers/w-a/explode')).status).toBe(400);
  });

  it('pauses and resumes a model queue: jobs wait while it is paused', async () => {
    workers.push(await startTestWorker(keys, { workerId: 'q-1', name: 'alpha', tokenDelayMs: 1 }));
    const pause = await post('/api/admin/models/alpha/queue/pause');
    expect(pause.body).toMatchObject({ ok: true, message: expect.stringContaining('paused') });
    expect((await overview()).models[0]?.queuePaused).toBe(true);

    const jobId = await ask('are you there?');
    const ended = framesUntilEnd(socket, [jobId]);
    await waitFor(async () => (await overview()).models[0]?.queue.waiting === 1, 'the job to wait in the paused queue');
    expect(await redis.xlen(keys.jobStream(jobId))).toBe(0);

    expect((await post('/api/admin/models/alpha/queue/resume')).body).toMatchObject({ ok: true });
    expect((await ended).get(jobId)?.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop' });
    expect((await overview()).models[0]).toMatchObject({ queuePaused: false, queue: { waiting: 0 } });
  });

  it('lists failed jobs with their errors, retries them (here on a worker that can answer) and clears them', async () => {
    const strict = await startTestWorker(keys, { workerId: 'f-1', name: 'alpha', tokenDelayMs: 1, failWith: 'WORKER_FAILED' });
    workers.push(strict);
    const failedJob = await ask('a question this broken worker cannot answer');
    expect((await framesUntilEnd(socket, [failedJob])).get(failedJob)?.at(-1)).toMatchObject({ type: 'error', code: 'WORKER_FAILED' });
    const secondFailure = await ask('another question for it');
    await framesUntilEnd(socket, [secondFailure]);

    const jobs = await get('/api/admin/jobs?model=alpha&limit=10', { parse: (v) => v as { jobs: AdminSnapshot['jobs'] } });
    expect(jobs.jobs.map((j) => [j.jobId, j.state, j.errorCode])).toEqual([
      [secondFailure, 'failed', 'WORKER_FAILED'],
      [failedJob, 'failed', 'WORKER_FAILED'],
    ]);
    expect(jobs.jobs[0]?.workerId).toBe('f-1');
    expect(jobs.jobs[0]?.error).toMatch(/.+/);

    // The worker that failed leaves; a working one takes the retried jobs.
    await strict.close();
    workers.splice(workers.indexOf(strict), 1);
    workers.push(await startTestWorker(keys, { workerId: 'f-2', name: 'alpha', tokenDelayMs: 1 }));
    const retried = await post(`/api/admin/models/alpha/jobs/${failedJob}/retry`);
    expect(retried.body).toEqual({ ok: true, message: `job ${failedJob} of alpha queued again`, count: 1 });
    await waitFor(async () => (await overview()).jobs.find((j) => j.jobId === failedJob && j.state === 'completed'), 'the retried job to complete');
    const done = (await overview()).jobs.find((j) => j.jobId === failedJob)!;
    expect(done).toMatchObject({ workerId: 'f-2', finishReason: 'stop', errorCode: null });
    expect((await post(`/api/admin/models/alpha/jobs/${failedJob}/retry`)).status).toBe(400);

    const cleared = await post('/api/admin/models/alpha/failed/clear');
    expect(cleared.body).toEqual({ ok: true, message: 'removed 1 failed job of alpha', count: 1 });
    expect((await overview()).models[0]?.queue.failed).toBe(0);
    expect(adminActionResultSchema.parse((await post('/api/admin/models/alpha/failed/retry')).body)).toEqual({ ok: true, message: 'alpha has no failed job', count: 0 });
  });

  it('marks a killed worker dead before its record expires, then removes it', async () => {
    const spawned = await spawnFakeWorker({
      REDIS_PREFIX: prefix,
      FAKE_MODEL: 'alpha',
      WORKER_ID: 'doomed',
      WORKER_HEARTBEAT_MS: '100',
      WORKER_RECORD_TTL_MS: '1000',
    });
    processes.push(spawned);
    await waitFor(async () => (await overview()).workers.find((w) => w.id === 'doomed' && w.liveness === 'alive'), 'the worker to show');
    spawned.kill('SIGKILL');
    const killedAt = Date.now();

    const dead = await waitFor(async () => (await overview()).workers.find((w) => w.id === 'doomed' && w.liveness === 'dead'), 'the worker to be dead', 3000);
    const markedAfter = Date.now() - killedAt;
    expect(markedAfter).toBeLessThan(1000 + 300);
    expect(dead.deadReason).toMatch(/no heartbeat/);
    expect((await overview()).models[0]?.workers).toMatchObject({ alive: 0, dead: 1 });
    expect((await post('/api/admin/workers/doomed/pause')).status).toBe(502);

    await waitFor(async () => !(await overview()).workers.some((w) => w.id === 'doomed'), 'the dead worker to be removed', 5000);
    // Gone within the expiry (1 s) plus the retention (1.5 s), and a tick or two.
    expect(Date.now() - killedAt).toBeLessThan(1000 + 1500 + 800);
  });

  it('samples tokens/s and queue depth into the series', async () => {
    workers.push(await startTestWorker(keys, { workerId: 's-1', name: 'alpha', tokenDelayMs: 1 }));
    await answer('one question to make some tokens');
    const series = await waitFor(async () => {
      const read = await get('/api/admin/series', adminSeriesSchema);
      return read.models.alpha?.some((p) => p.tokensPerSecond > 0) ? read : null;
    }, 'a sample with tokens', 5000);
    expect(series).toMatchObject({ windowMs: 15 * 60 * 1000, intervalMs: 500 });
    const points = series.models.alpha!;
    expect(points.every((p) => p.t % 500 === 0)).toBe(true);
    expect(new Set(points.map((p) => p.t)).size).toBe(points.length);
    expect(await redis.exists(keys.adminSeries('alpha'))).toBe(1);
  });
});
