/**
 * The controller and a worker process on a Redis that admits them only as ACL users limited to
 * their key prefix, with the rules the README gives for locking Redis down: a question is
 * answered and an admin command acknowledged, so every connection (BullMQ's included) logs in
 * as its user and the rules allow all the serving path needs.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GenerateAck, RedisKeys } from '@mgm/protocol';
import { ImageKernels, normalizeUpload } from '@mgm/vision';
import { REDIS_URL, connect, silentLogger, testNamespace, waitFor } from '@mgm/worker/testing';
import { createController, type Controller } from '../src/controller.ts';
import { connectRedis } from '../src/redis-connection.ts';
import { spawnFakeWorker, type SpawnedWorker } from './spawn-fake-worker.ts';
import { framesUntilEnd, openClient } from './test-controller.ts';

const TOKEN = 'acl-admin-token-0123456789abcdef';
const kernels = new ImageKernels();

let admin: Redis;
let keys: RedisKeys;
let prefix: string;
let cleanup: (redis: Redis) => Promise<void>;
const users: string[] = [];
const connections: Redis[] = [];
let controller: Controller | null = null;
let worker: SpawnedWorker | null = null;

/** REDIS_URL with a user and password in it. */
function urlFor(user: string, password: string): string {
  const url = new URL(REDIS_URL);
  url.username = user;
  url.password = password;
  return url.toString();
}

/** An ACL user as the README's "Locking Redis down" writes them, for this test's prefix. */
async function createUser(role: 'controller' | 'worker'): Promise<string> {
  const user = `${prefix}-${role}`;
  const password = randomBytes(16).toString('hex');
  const clientRules = role === 'controller' ? ['+client|id', '+client|unblock', '+client|setname'] : ['+client|setname'];
  await admin.call('ACL', 'SETUSER', user, 'on', `>${password}`, `~${prefix}:*`, `&${prefix}:*`, '+@all', '-@dangerous', '+info', ...clientRules);
  users.push(user);
  return urlFor(user, password);
}

beforeEach(async () => {
  admin = connect();
  ({ keys, cleanup, prefix } = testNamespace('acl'));
});

afterEach(async () => {
  worker?.kill('SIGKILL');
  await worker?.exited;
  worker = null;
  if (controller) {
    await controller.close();
    await new Promise<void>((resolve) => controller!.http.close(() => resolve()));
    controller = null;
  }
  await Promise.all(connections.splice(0).map((c) => c.quit().catch(() => undefined)));
  for (const user of users.splice(0)) await admin.call('ACL', 'DELUSER', user);
  await cleanup(admin);
  await admin.quit();
});

describe('Redis with ACL users', () => {
  it('serves a question and an admin command with the controller and the worker each logged in as a prefix-limited user', async () => {
    const controllerUrl = await createUser('controller');
    const workerUrl = await createUser('worker');
    const open = (role: string) => {
      const connection = connectRedis(controllerUrl, role, silentLogger);
      connections.push(connection);
      return connection;
    };
    const redis = open('controller');
    expect(await redis.call('ACL', 'WHOAMI')).toBe(`${prefix}-controller`);
    controller = await createController({
      redis,
      connect: open,
      keys,
      logger: silentLogger,
      normalizeUpload: (bytes) => normalizeUpload(bytes, { maxBytes: 1024 * 1024 }, kernels),
      dataDir: await mkdtemp(path.join(tmpdir(), 'mgm-acl-test-')),
      imageTtlSeconds: 120,
      maxUploadBytes: 1024 * 1024,
      jobTtlSeconds: 120,
      watchdogIntervalMs: 300,
      admin: { token: TOKEN, pushIntervalMs: 200, defaultMetrics: false },
    });
    const port = await controller.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${port}`;
    worker = await spawnFakeWorker({ REDIS_URL: workerUrl, REDIS_PREFIX: prefix, FAKE_MODEL: 'alpha', WORKER_ID: 'acl-worker' });

    const socket = await openClient(base);
    try {
      await waitFor(async () => {
        const res = await fetch(`${base}/api/models`);
        return ((await res.json()) as { models: unknown[] }).models.length === 1;
      }, 'the worker to register');
      const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', { messages: [{ role: 'user', content: 'hello?' }], models: ['alpha'] });
      if (!ack.ok) throw new Error(ack.error.message);
      const frames = (await framesUntilEnd(socket, [ack.jobs[0]!.jobId])).get(ack.jobs[0]!.jobId)!;
      expect(frames.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop' });
      expect(frames[0]).toMatchObject({ type: 'start', workerId: controller!.labels.label('acl-worker') });
    } finally {
      socket.close();
    }

    const paused = await fetch(`${base}/api/admin/workers/acl-worker/pause`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await paused.json()).toEqual({ ok: true, message: 'acl-worker is paused' });
    const overview = (await (await fetch(`${base}/api/admin/overview`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      workers: Array<{ id: string; state: string }>;
      models: Array<{ id: string; queue: { completed: number } }>;
      jobs: unknown[];
    };
    expect(overview.workers.map((w) => [w.id, w.state])).toEqual([['acl-worker', 'paused']]);
    expect(overview.models).toEqual([expect.objectContaining({ id: 'alpha', queue: expect.objectContaining({ completed: 1 }) })]);
    expect(overview.jobs).toHaveLength(1);
    // The users cannot touch keys outside their prefix.
    await expect(redis.get('some-other-deployment:key')).rejects.toThrow(/NOPERM/);
  });
});
