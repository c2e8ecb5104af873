import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateAck } from '@mgm/protocol';
import type { Controller } from '../src/controller.ts';
import type { PrivateRedis } from './private-redis.ts';
import { startPrivateRedisController, type PrivateRedisController } from './private-redis-controller.ts';
import { spawnFakeWorker, type SpawnedWorker } from './spawn-fake-worker.ts';
import { framesUntilEnd, openClient, textOf, type ClientSocket } from './test-controller.ts';

const PREFIX = 'stall';
const ANSWER = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
let server: PrivateRedis;
let controller: Controller;
let url: string;
let worker: SpawnedWorker | undefined;
let socket: ClientSocket | undefined;
let stack: PrivateRedisController | undefined;

beforeAll(async () => {
  stack = await startPrivateRedisController(PREFIX);
  ({ server, controller, url } = stack);
});

afterAll(async () => {
  socket?.disconnect();
  if (worker) {
    worker.kill('SIGKILL');
    await worker.exited;
  }
  await stack?.close();
});

describe('when Redis stalls for longer than the worker records live', () => {
  it('no answer is taken for orphaned: the worker that answers it goes on, one start, the whole text', async () => {
    // Record expiry 1 s (kept alive from a thread), BullMQ lock at its default 15 s: the stall
    // outlives the records, not the lock.
    worker = await spawnFakeWorker({ REDIS_URL: server.url, REDIS_PREFIX: PREFIX, FAKE_MODEL: 'alpha', WORKER_ID: 'steady', FAKE_TOKEN_DELAY_MS: '30', FAKE_ANSWER: ANSWER, WORKER_LOCK_MS: '15000' });
    socket = await openClient(url);
    const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', { messages: [{ role: 'user', content: 'go' }], models: ['alpha'] });
    if (!ack.ok) throw new Error(ack.error.message);
    const jobId = ack.jobs[0]!.jobId;
    const done = framesUntilEnd(socket, [jobId], 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await server.stall(2500);
    const frames = (await done).get(jobId)!;
    expect(frames.filter((f) => f.type === 'start')).toHaveLength(1);
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
    expect(frames.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop', text: ANSWER });
    expect(textOf(frames)).toBe(ANSWER);
  });
});
