import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { io as connectSocket, type Socket } from 'socket.io-client';
import type { ArenaClientToServerEvents, ArenaServerToClientEvents, ClientFrame, GenerateAck, RedisKeys } from '@mgm/protocol';
import { connect, readFramesUntilEnd, startTestWorker, testNamespace, waitFor, type TestWorker } from '@mgm/worker/testing';
import { DEFAULT_LIMITS } from '../src/limits/index.ts';
import { framesUntilEnd, openClient, startTestController, type ClientSocket, type TestController } from './test-controller.ts';

const GRACE_MS = 1000;

let redis: Redis;
let keys: RedisKeys;
let cleanup: (redis: Redis) => Promise<void>;
let ctl: TestController;
let worker: TestWorker;
const sockets: ClientSocket[] = [];

beforeEach(async () => {
  redis = connect();
  ({ keys, cleanup } = testNamespace('departed'));
  ctl = await startTestController(keys, { limits: { ...DEFAULT_LIMITS, departedClientGraceMs: GRACE_MS } });
  // One answer at a time, slow enough that a second question waits in the queue.
  const answer = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
  worker = await startTestWorker(keys, { name: 'alpha', tokenDelayMs: 50, answer: () => answer, concurrency: 1 });
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await worker.close();
  await ctl.close();
  await cleanup(redis);
  await redis.quit();
});

async function client(): Promise<ClientSocket> {
  const socket = await openClient(ctl.url);
  sockets.push(socket);
  return socket;
}

async function ask(socket: ClientSocket): Promise<string> {
  const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', { messages: [{ role: 'user', content: 'go' }], models: ['alpha'] });
  if (!ack.ok) throw new Error(ack.error.message);
  return ack.jobs[0]!.jobId;
}

async function departedCount(): Promise<number> {
  const metric = await ctl.controller.admin.metrics.registry.getSingleMetric('mgm:departed_jobs_removed_total')?.get();
  return metric?.values[0]?.value ?? 0;
}

describe('a client that leaves', () => {
  it('loses its queued questions after the grace period; the running one finishes; one that comes back keeps its own', async () => {
    const leaving = await client();
    const running = await ask(leaving);
    await waitFor(async () => (await redis.xlen(keys.jobStream(running))) > 0, 'the first answer to start');
    const queued = await ask(leaving);

    const returning = await client();
    const kept = await ask(returning);
    expect(await ctl.controller.dispatcher.queue('alpha').getJobState(queued)).toBe('waiting');

    leaving.disconnect();
    returning.disconnect();
    // Back well within the grace (a reload), on a new connection: it resumes its answer.
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS / 4));
    const back = await client();
    const resumed = framesUntilEnd(back, [kept], 20_000);
    const ack = await back.timeout(5000).emitWithAck('resume', { jobId: kept, afterSeq: -1 });
    expect(ack.ok).toBe(true);

    // The queued question of the client that stayed away is taken off the queue, never started.
    const removed = await readFramesUntilEnd(redis, keys, queued, 10_000);
    expect(removed.map((f) => f.type)).toEqual(['error']);
    expect(removed[0]).toMatchObject({ type: 'error', code: 'CANCELLED', message: expect.stringContaining('did not come back') });
    expect(await ctl.controller.dispatcher.queue('alpha').getJob(queued)).toBeUndefined();
    expect(await departedCount()).toBe(1);

    // The answer that was running when its client left still ends normally (it can be resumed later).
    expect((await readFramesUntilEnd(redis, keys, running, 20_000)).at(-1)).toMatchObject({ type: 'end', finishReason: 'stop' });
    const frames: ClientFrame[] = (await resumed).get(kept)!;
    expect(frames.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop' });
    expect(await departedCount()).toBe(1);
  });

  it('in the arena too: a battle still queued when its client left for good is cancelled, both sides', async () => {
    const beta = await startTestWorker(keys, { name: 'beta', tokenDelayMs: 50, answer: () => 'b '.repeat(40), concurrency: 1 });
    try {
      // Both models busy with a chat answer each, so the battle's two jobs wait in their queues.
      const chat = await client();
      const busy: GenerateAck = await chat.timeout(5000).emitWithAck('generate', { messages: [{ role: 'user', content: 'go' }], models: ['alpha', 'beta'] });
      if (!busy.ok) throw new Error(busy.error.message);
      await waitFor(async () => (await Promise.all(busy.jobs.map((j) => redis.xlen(keys.jobStream(j.jobId))))).every((n) => n > 0), 'both chat answers to start');

      const arena: Socket<ArenaServerToClientEvents, ArenaClientToServerEvents> = connectSocket(`${ctl.url}/arena`, { transports: ['websocket'], reconnection: false, forceNew: true });
      await new Promise<void>((resolve, reject) => {
        arena.once('connect', () => resolve());
        arena.once('connect_error', reject);
      });
      const ask = await arena.timeout(5000).emitWithAck('ask', { question: 'which is better?' });
      if (!ask.ok) throw new Error(ask.error.message);
      const before = await departedCount();
      arena.disconnect();

      await waitFor(async () => ((await departedCount()) - before >= 2 ? true : undefined), 'both queued sides to be cancelled', 10_000);
      for (const model of ['alpha', 'beta']) expect(await ctl.controller.dispatcher.queue(model).getWaitingCount()).toBe(0);
    } finally {
      await beta.close();
    }
  });
});
