/**
 * Restarting a stopped worker from the admin API: the controller relays the request to the
 * supervisor that owns the slot (the demo launcher's WorkerSupervisor, here with the fake worker
 * process as its worker), which starts a new worker process that registers and takes jobs.
 */
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminSnapshotSchema, supervisedSlotsResponseSchema, supervisorKeys, type RedisKeys } from '@mgm/protocol';
import { connect, fakeWorkerProcessPath, REDIS_URL, testNamespace, waitFor } from '@mgm/worker/testing';
import { startChild } from '../../../scripts/child-process.ts';
import { WorkerSupervisor } from '../../../scripts/worker-supervisor.ts';
import { startTestController, type TestController } from './test-controller.ts';

const TOKEN = 'supervisor-admin-token-0123456789';
const bearer = { authorization: `Bearer ${TOKEN}` };

let redis: Redis;
let keys: RedisKeys;
let prefix: string;
let cleanup: (redis: Redis) => Promise<void>;
let ctl: TestController;
let supervisor: WorkerSupervisor | null;
let spawned: number;

beforeEach(async () => {
  redis = connect();
  ({ keys, cleanup, prefix } = testNamespace('supervisor'));
  ctl = await startTestController(keys, { admin: { token: TOKEN, pushIntervalMs: 100, deadRetentionMs: 500, defaultMetrics: false } });
  supervisor = null;
  spawned = 0;
});

afterEach(async () => {
  await supervisor?.close();
  await ctl.close();
  const sk = supervisorKeys(prefix);
  await redis.del(sk.slots, sk.slot('alpha.cpu'));
  await cleanup(redis);
  await redis.quit();
});

function spawnFake(workerId: string) {
  spawned++;
  return startChild('worker:alpha', process.execPath, ['--import', 'tsx', fakeWorkerProcessPath], { env: { ...process.env, REDIS_URL, REDIS_PREFIX: prefix, FAKE_MODEL: 'alpha', WORKER_ID: workerId } }, () => undefined);
}

async function superviseOne(): Promise<{ workerId: string; stopWorker: () => Promise<void> }> {
  supervisor = new WorkerSupervisor({ redisUrl: REDIS_URL, redisPrefix: prefix, label: 'npm run demo', recordTtlMs: 3000, note: () => undefined });
  await supervisor.start();
  let n = 0;
  const newWorkerId = () => `alpha-${++n}`;
  const workerId = newWorkerId();
  const child = spawnFake(workerId);
  await supervisor.adopt({ slotId: 'alpha.cpu', checkpoint: 'alpha', device: 'cpu', newWorkerId, spawn: spawnFake }, child, workerId);
  await waitFor(async () => (await workers()).some((w) => w.id === workerId && w.state === 'ready'), 'the worker to be ready', 20_000);
  return { workerId, stopWorker: () => child.stop() };
}

async function workers() {
  const res = await fetch(`${ctl.url}/api/admin/overview`, { headers: bearer });
  return adminSnapshotSchema.parse(await res.json()).workers.filter((w) => w.liveness === 'alive');
}

async function slots() {
  const res = await fetch(`${ctl.url}/api/admin/slots`, { headers: bearer });
  expect(res.status).toBe(200);
  return supervisedSlotsResponseSchema.parse(await res.json()).slots;
}

async function restart(slotId: string, headers: Record<string, string> = bearer) {
  const res = await fetch(`${ctl.url}/api/admin/slots/${encodeURIComponent(slotId)}/restart`, { method: 'POST', headers });
  return { status: res.status, body: (await res.json()) as { ok?: boolean; message?: string; error?: { code: string; message: string } } };
}

describe('restarting a supervised worker from the admin API', () => {
  it('a stopped worker of the supervisor is started again: a new process registers and is ready', async () => {
    const { workerId, stopWorker } = await superviseOne();
    expect(await slots()).toMatchObject([{ slotId: 'alpha.cpu', state: 'running', workerId, supervisor: 'npm run demo', restarts: 0 }]);

    // Its worker is running: nothing to restart.
    const running = await restart('alpha.cpu');
    expect(running.status).toBe(400);
    expect(running.body.error?.message).toMatch(/is running/u);

    await stopWorker();
    await waitFor(async () => (await slots())[0]?.state === 'stopped', 'the slot to be stopped', 10_000);
    expect((await slots())[0]).toMatchObject({ state: 'stopped', pid: null, lastExit: expect.stringMatching(/code 0|signal/u) as unknown });
    expect((await workers()).some((w) => w.id === workerId)).toBe(false);

    const answer = await restart('alpha.cpu');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: true, message: expect.stringContaining('started worker alpha-2') as unknown });
    expect(spawned).toBe(2);
    await waitFor(async () => (await workers()).some((w) => w.id === 'alpha-2' && w.state === 'ready'), 'the restarted worker to be ready', 20_000);
    await waitFor(async () => (await slots())[0]?.state === 'running', 'the slot to be running', 10_000);
    expect((await slots())[0]).toMatchObject({ workerId: 'alpha-2', restarts: 1 });
  }, 60_000);

  it('refuses without the admin token, and names an unknown or unsupervised slot', async () => {
    const unauthorised = await restart('alpha.cpu', {});
    expect(unauthorised.status).toBe(401);
    const list = await fetch(`${ctl.url}/api/admin/slots`);
    expect(list.status).toBe(401);

    const unknown = await restart('no-such.cpu');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/only workers started by a supervisor/u) as unknown });

    const invalid = await restart('bad slot!');
    expect(invalid.status).toBe(400);
    expect(await slots()).toEqual([]);
  });

  it('once the supervisor is gone its slots are gone: nothing claims a restart it cannot do', async () => {
    const { stopWorker } = await superviseOne();
    await stopWorker();
    await waitFor(async () => (await slots())[0]?.state === 'stopped', 'the slot to be stopped', 10_000);
    await supervisor?.close();
    supervisor = null;
    expect(await slots()).toEqual([]);
    expect((await restart('alpha.cpu')).status).toBe(404);
  }, 60_000);

  it('answers WORKER_FAILED when the supervisor cannot start the worker, and says why', async () => {
    supervisor = new WorkerSupervisor({ redisUrl: REDIS_URL, redisPrefix: prefix, label: 'npm run demo', note: () => undefined });
    await supervisor.start();
    const first = spawnFake('alpha-1');
    const missing = () => startChild('worker:alpha', '/nonexistent/node', [], {}, () => undefined);
    await supervisor.adopt({ slotId: 'alpha.cpu', checkpoint: 'alpha', device: 'cpu', newWorkerId: () => 'alpha-2', spawn: missing }, first, 'alpha-1');
    await first.stop();
    await waitFor(async () => (await slots())[0]?.state === 'stopped', 'the slot to be stopped', 10_000);
    const failed = await restart('alpha.cpu');
    expect(failed.status).toBe(502);
    expect(failed.body.error).toMatchObject({ code: 'WORKER_FAILED', message: expect.stringMatching(/could not start a worker for alpha.cpu/u) as unknown });
    expect((await slots())[0]?.state).toBe('stopped');
  }, 60_000);
});
