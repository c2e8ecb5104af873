import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminAckSchema, workerRecordSchema, type AdminAck, type AdminAction, type RedisKeys } from '@mgm/protocol';
import { startTestWorker, type TestWorker } from './start-test-worker.ts';
import { connect, testNamespace, waitFor } from './redis-test-helpers.ts';

let redis: Redis;
let subscriber: Redis;
let keys: RedisKeys;
let cleanup: (redis: Redis) => Promise<void>;
let acks: AdminAck[];
const workers: TestWorker[] = [];

beforeEach(async () => {
  redis = connect();
  subscriber = connect();
  ({ keys, cleanup } = testNamespace('worker-ack'));
  acks = [];
  subscriber.on('message', (_channel: string, message: string) => acks.push(adminAckSchema.parse(JSON.parse(message))));
  await subscriber.subscribe(keys.adminAck);
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
  await subscriber.quit();
  await cleanup(redis);
  await redis.quit();
});

async function command(workerId: string, action: AdminAction): Promise<AdminAck> {
  const commandId = randomUUID();
  await redis.publish(keys.adminChannel, JSON.stringify({ action, workerId, commandId, issuedAt: Date.now() }));
  return waitFor(async () => acks.find((ack) => ack.commandId === commandId), `the ack of ${action}`, 5000);
}

async function recordState(workerId: string): Promise<string | undefined> {
  const raw = await redis.get(keys.worker(workerId));
  return raw ? workerRecordSchema.parse(JSON.parse(raw)).state : undefined;
}

describe('admin command acks', () => {
  it('answers pause and resume with the resulting state', async () => {
    const started = await startTestWorker(keys, { workerId: 'ack-1' });
    workers.push(started);

    expect(await command('ack-1', 'pause')).toMatchObject({ workerId: 'ack-1', action: 'pause', ok: true, state: 'paused' });
    expect(await recordState('ack-1')).toBe('paused');
    const again = await command('ack-1', 'pause');
    expect(again).toMatchObject({ ok: true, state: 'paused' });
    expect(again.message).toMatch(/already paused/);
    expect(await command('ack-1', 'resume')).toMatchObject({ ok: true, state: 'ready' });
    expect(await recordState('ack-1')).toBe('ready');
  });

  it('acknowledges a drain as soon as the worker stops taking jobs, then exits and deregisters', async () => {
    let exited: string | null = null;
    const started = await startTestWorker(keys, { workerId: 'ack-2', onExit: (reason) => (exited = reason) });
    workers.push(started);
    const other = await startTestWorker(keys, { workerId: 'ack-3' });
    workers.push(other);

    expect(await command('ack-2', 'drain')).toMatchObject({ ok: true, state: 'draining' });
    await waitFor(async () => exited === 'drain', 'the drained worker to exit');
    expect(await recordState('ack-2')).toBeUndefined();
    // Only the addressed worker obeyed.
    expect(acks.filter((ack) => ack.workerId === 'ack-3')).toEqual([]);
    expect(await recordState('ack-3')).toBe('ready');
  });
});
