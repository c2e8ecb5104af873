import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientFrame, GenerateAck, RedisKeys } from '@mgm/protocol';
import { startTestWorker, waitFor, type TestWorker } from '@mgm/worker/testing';
import { type ControllerTestStack, startControllerTestStack, stopControllerTestStack } from './controller-test-stack.ts';
import { spawnFakeWorker, type SpawnedWorker } from './spawn-fake-worker.ts';
import { framesUntilEnd, openClient, textOf, type ClientSocket, type TestController } from './test-controller.ts';

let stack: ControllerTestStack;
let redis: Redis;
let keys: RedisKeys;
let prefix: string;
let ctl: TestController;
let socket: ClientSocket;
const spawned: SpawnedWorker[] = [];
const workers: TestWorker[] = [];

beforeEach(async () => {
  stack = await startControllerTestStack('fail');
  ({ redis, keys, prefix, ctl } = stack);
  socket = await openClient(ctl.url);
});

afterEach(async () => {
  socket.disconnect();
  await stopControllerTestStack(stack, { spawned, workers });
});

const longAnswer = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');

async function spawnWorker(id: string, extra: Record<string, string> = {}): Promise<SpawnedWorker> {
  const worker = await spawnFakeWorker({
    REDIS_PREFIX: prefix,
    FAKE_MODEL: 'alpha',
    WORKER_ID: id,
    FAKE_TOKEN_DELAY_MS: '20',
    FAKE_ANSWER: longAnswer,
    ...extra,
  });
  spawned.push(worker);
  return worker;
}

async function startJob(): Promise<{ jobId: string; firstFrames: Promise<void>; all: Promise<Map<string, ClientFrame[]>> }> {
  const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', { messages: [{ role: 'user', content: 'go' }], models: ['alpha'] });
  if (!ack.ok) throw new Error(ack.error.message);
  const jobId = ack.jobs[0]!.jobId;
  const all = framesUntilEnd(socket, [jobId], 20_000);
  const firstFrames = new Promise<void>((resolve) => {
    const onFrame = (frame: ClientFrame) => {
      if (frame.jobId === jobId && frame.seq >= 3) {
        socket.off('frame', onFrame);
        resolve();
      }
    };
    socket.on('frame', onFrame);
  });
  return { jobId, firstFrames, all };
}

describe('worker failures', () => {
  it('drops a killed worker from the registry once its record expires', async () => {
    const worker = await spawnWorker('doomed');
    expect((await ctl.controller.registry.list()).map((w) => w.id)).toEqual(['doomed']);
    worker.kill('SIGKILL');
    await worker.exited;
    expect((await ctl.controller.registry.list()).map((w) => w.id)).toEqual(['doomed']);
    await waitFor(async () => (await ctl.controller.registry.list()).length === 0, 'the record to expire', 3000);
    expect(await redis.zscore(keys.workers, 'doomed')).toBeNull();
  });

  it('gives the job of a killed worker to another worker of the model', async () => {
    const doomed = await spawnWorker('doomed');
    const job = await startJob();
    await job.firstFrames;
    workers.push(await startTestWorker(keys, { workerId: 'rescuer', name: 'alpha', tokenDelayMs: 1, answer: () => longAnswer, lockDurationMs: 1500, stalledIntervalMs: 300 }));
    doomed.kill('SIGKILL');
    const frames = (await job.all).get(job.jobId)!;
    const starts = frames.filter((f) => f.type === 'start').map((f) => (f.type === 'start' ? f.workerId : ''));
    // Clients see the workers' opaque labels, not their ids.
    expect(starts).toEqual([ctl.controller.labels.label('doomed'), ctl.controller.labels.label('rescuer')]);
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
    expect(frames.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop', text: longAnswer });
    expect(textOf(frames)).toBe(longAnswer);
  });

  it('ends the job of a killed worker with an error frame when no other worker serves the model', async () => {
    const doomed = await spawnWorker('alone');
    const job = await startJob();
    await job.firstFrames;
    doomed.kill('SIGKILL');
    const frames = (await job.all).get(job.jobId)!;
    expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'NO_WORKER', message: expect.stringContaining('alpha') });
  });

  it('on SIGTERM finishes the answer in flight, then deregisters and exits', async () => {
    const worker = await spawnWorker('graceful', { FAKE_TOKEN_DELAY_MS: '5', FAKE_ANSWER: 'one two three four five six seven eight nine ten eleven twelve' });
    const job = await startJob();
    await job.firstFrames;
    worker.kill('SIGTERM');
    const frames = (await job.all).get(job.jobId)!;
    expect(frames.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop' });
    expect(await worker.exited).toBe(0);
    expect(await ctl.controller.registry.list()).toEqual([]);
  });
});
