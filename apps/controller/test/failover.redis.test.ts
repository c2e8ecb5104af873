/**
 * Reliability: real worker processes on a real checkpoint, killed (SIGKILL) or frozen (SIGSTOP)
 * mid-answer. Outcomes, not timings: every answer ends (a complete `end` or a clear error code),
 * with no gap and no text twice. The one bound on time is "no long hang": an answer whose worker
 * was killed must end within 10 s. Before the controller acted on worker records, it waited for
 * BullMQ's 15 s job lock (plus its 5 s stalled check): about 20 s, so these tests fail there;
 * now it takes the record's expiry (2 s) plus a check. The timings are measured by
 * `npm run drill:failover`, not here.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientFrame, GenerateAck, RedisKeys, StreamFrame } from '@mgm/protocol';
import { waitFor } from '@mgm/worker/testing';
import { type RealWorker, startRealWorker } from './spawn-real-worker.ts';
import { type ControllerTestStack, startControllerTestStack, stopControllerTestStack } from './controller-test-stack.ts';
import { framesUntilEnd, openClient, textOf, type ClientSocket, type TestController } from './test-controller.ts';
import { freezeWorkerOfJob, streamFrames, type FrozenWorker } from './worker-kill.ts';

const checkpoint = fileURLToPath(new URL('../../../packages/engine/test/fixtures/micro-mgm', import.meta.url));
/** No hang: an answer whose worker died ends within this (BullMQ's lock alone took ~20 s). */
const NO_HANG_MS = 10_000;

let stack: ControllerTestStack;
let redis: Redis;
let keys: RedisKeys;
let prefix: string;
let ctl: TestController;
let socket: ClientSocket;
const workers = new Map<string, RealWorker>();
let reference = '';

function processes(): Map<string, ChildProcess> {
  return new Map([...workers].map(([id, w]) => [id, w.child]));
}

async function ask(): Promise<{ jobId: string; frames: Promise<ClientFrame[]> }> {
  const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', {
    messages: [{ role: 'user', content: 'Tell me everything you know, at length.' }],
    models: ['micro-mgm'],
    params: { temperature: 0, maxNewTokens: 200 },
  });
  if (!ack.ok) throw new Error(ack.error.message);
  const jobId = ack.jobs[0]!.jobId;
  return { jobId, frames: framesUntilEnd(socket, [jobId], 60_000).then((all) => all.get(jobId)!) };
}

/** Asks until a worker is frozen mid-answer (a fast checkpoint may finish before the freeze lands). */
async function askAndFreeze(): Promise<{ jobId: string; frames: Promise<ClientFrame[]>; frozen: FrozenWorker }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const { jobId, frames } = await ask();
    const frozen = await freezeWorkerOfJob(redis, keys, jobId, processes());
    if (frozen) return { jobId, frames, frozen };
    await frames;
  }
  throw new Error('no answer could be frozen mid-way in 5 tries');
}

/** kill -9 of the worker answering a fresh question, mid-answer: the frames its client saw, and how long after the kill they ended. */
async function killMidAnswer(): Promise<{ seen: ClientFrame[]; endedAfterMs: number }> {
  const { frames, frozen } = await askAndFreeze();
  frozen.child.kill('SIGKILL');
  const killedAt = Date.now();
  const seen = await frames;
  const endedAfterMs = Date.now() - killedAt;
  workers.delete(frozen.workerId);
  return { seen, endedAfterMs };
}

function expectWholeAnswer(frames: Array<ClientFrame | StreamFrame>): void {
  expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
  expect(frames.filter((f) => f.type === 'end' || f.type === 'error')).toHaveLength(1);
  expect(frames.at(-1)).toMatchObject({ type: 'end', text: reference });
  expect(textOf(frames as ClientFrame[])).toBe(reference);
}

beforeAll(async () => {
  stack = await startControllerTestStack('failover');
  ({ redis, keys, prefix, ctl } = stack);
  // The workers' own defaults (record expiry, keep-alive, BullMQ lock) are what is under test.
  const started = await Promise.all(['alpha', 'beta'].map(async (id) => [id, await startRealWorker(ctl, { checkpoint, id, prefix })] as const));
  for (const [id, worker] of started) workers.set(id, worker);
  socket = await openClient(ctl.url);
  const { frames } = await ask();
  const answer = (await frames).at(-1);
  if (answer?.type !== 'end' || answer.tokens.generated < 20) throw new Error(`the reference answer is too short to be cut: ${JSON.stringify(answer)}`);
  reference = answer.text;
}, 180_000);

afterAll(async () => {
  socket?.disconnect();
  await Promise.all([...workers.values()].map((w) => w.stop()));
  await stopControllerTestStack(stack);
});

describe('worker failures with real worker processes', () => {
  it('a worker frozen mid-answer loses the job to the other worker, and writes nothing when it wakes up', async () => {
    const { jobId, frames, frozen } = await askAndFreeze();
    // Wake the frozen worker once the other one has restarted the answer: its late frames must not land.
    await waitFor(async () => (await streamFrames(redis, keys, jobId)).filter((f) => f.type === 'start').length === 2, 'the answer to restart', NO_HANG_MS);
    frozen.child.kill('SIGCONT');
    const seen = await frames;
    expectWholeAnswer(seen);
    const starts = seen.filter((f) => f.type === 'start').map((f) => (f.type === 'start' ? f.workerId : ''));
    const other = [...workers.keys()].find((id) => id !== frozen.workerId)!;
    expect(starts).toEqual([ctl.controller.labels.label(frozen.workerId), ctl.controller.labels.label(other)]);
    // The woken worker is alive and serving again, and it added nothing to the finished answer.
    await waitFor(async () => (await ctl.controller.registry.list()).some((w) => w.id === frozen.workerId), 'the woken worker to be listed again', 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expectWholeAnswer(await streamFrames(redis, keys, jobId));
    expect(await ctl.controller.dispatcher.queue('micro-mgm').getJobState(jobId)).toBe('completed');
  });

  it('kill -9 mid-answer: the other worker answers it again from the start, whole, without a long hang', async () => {
    const { seen, endedAfterMs } = await killMidAnswer();
    expectWholeAnswer(seen);
    expect(seen.filter((f) => f.type === 'start')).toHaveLength(2);
    expect(endedAfterMs).toBeLessThan(NO_HANG_MS);
  });

  it('kill -9 of the last worker of the model mid-answer: NO_WORKER, without a long hang', async () => {
    expect(workers.size).toBe(1);
    const { seen, endedAfterMs } = await killMidAnswer();
    expect(seen.map((f) => f.seq)).toEqual(seen.map((_, i) => i));
    expect(seen.at(-1)).toMatchObject({ type: 'error', code: 'NO_WORKER', message: expect.stringContaining('micro-mgm') });
    expect(endedAfterMs).toBeLessThan(NO_HANG_MS);
  });
});
