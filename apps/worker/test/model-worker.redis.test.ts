import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MgmError,
  defaultSamplingParams,
  queueNameForModel,
  workerRecordSchema,
  type JobPayload,
  type RedisKeys,
  type StreamFrame,
} from '@mgm/protocol';
import type { ServingGeneration } from '../src/serving-model.ts';
import { startTestWorker, type TestWorker } from './start-test-worker.ts';
import { connect, readFramesUntilEnd, testNamespace, waitFor } from './redis-test-helpers.ts';

let redis: Redis;
let keys: RedisKeys;
let cleanup: (redis: Redis) => Promise<void>;
const workers: TestWorker[] = [];
const queues: Queue[] = [];

beforeEach(() => {
  redis = connect();
  ({ keys, cleanup } = testNamespace('worker'));
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
  await Promise.all(queues.splice(0).map((q) => q.close()));
  await cleanup(redis);
  await redis.quit();
});

async function worker(options: Parameters<typeof startTestWorker>[1] = {}): Promise<TestWorker> {
  const started = await startTestWorker(keys, options);
  workers.push(started);
  return started;
}

function queueFor(model: string): Queue {
  const queue = new Queue(queueNameForModel(model), { connection: connect(), prefix: keys.bullPrefix });
  queues.push(queue);
  return queue;
}

async function enqueue(queue: Queue, payload: Partial<JobPayload> & { model: string }): Promise<string> {
  const jobId = payload.jobId ?? randomUUID();
  await queue.add('generate', {
    jobId,
    requestId: 'r1',
    messages: [{ role: 'user', content: 'what is this?' }],
    imageId: null,
    imageMode: 'default',
    params: defaultSamplingParams,
    enqueuedAt: Date.now(),
    ...payload,
  }, { jobId, attempts: 1 });
  return jobId;
}

async function record(id: string) {
  const raw = await redis.get(keys.worker(id));
  return raw ? workerRecordSchema.parse(JSON.parse(raw)) : null;
}

function textOf(frames: StreamFrame[]): string {
  return frames.map((f) => (f.type === 'delta' ? f.text : '')).join('');
}

/** The frame types of each append (EVAL) the worker sends, as they are sent. */
function countAppends(started: TestWorker): string[][] {
  const appends: string[][] = [];
  const send = started.redis.sendCommand.bind(started.redis);
  started.redis.sendCommand = ((command: { name: string; args: unknown[] }, ...rest: unknown[]) => {
    if (command.name === 'eval') appends.push(command.args.map(String).filter((a) => ['start', 'delta', 'end', 'error'].includes(a)));
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as typeof started.redis.sendCommand;
  return appends;
}

/** Counts the worker's reads of a job's state (pipelines that start with its stream's last entry: sent, answered) and of image bytes. */
function watchStateReads(started: TestWorker): { sent: number; answered: number; imageReads: number } {
  const counts = { sent: 0, answered: 0, imageReads: 0 };
  const pipeline = started.redis.pipeline.bind(started.redis);
  started.redis.pipeline = ((...args: Parameters<typeof started.redis.pipeline>) => {
    const p = pipeline(...args);
    let stateRead = false;
    const xrevrange = p.xrevrange.bind(p);
    p.xrevrange = ((...a: unknown[]) => {
      stateRead = true;
      return (xrevrange as (...b: unknown[]) => unknown)(...a);
    }) as typeof p.xrevrange;
    const getBuffer = p.getBuffer.bind(p);
    p.getBuffer = ((...a: unknown[]) => {
      if (stateRead) counts.imageReads += 1;
      return (getBuffer as (...b: unknown[]) => unknown)(...a);
    }) as typeof p.getBuffer;
    const exec = p.exec.bind(p);
    p.exec = ((...execArgs: Parameters<typeof p.exec>) => {
      if (!stateRead) return exec(...execArgs);
      counts.sent += 1;
      return exec(...execArgs).then((replies) => {
        counts.answered += 1;
        return replies;
      });
    }) as typeof p.exec;
    return p;
  }) as typeof started.redis.pipeline;
  return counts;
}

/** A generation whose tokens are all ready at once (the real engine starts at generate(), unlike FakeModel). */
function readyAnswer(pieces: string[]): ServingGeneration {
  const text = pieces.join('');
  const result = Promise.resolve({
    text,
    finishReason: 'stop',
    tokens: { prompt: 3, visual: 0, generated: pieces.length },
    timingsMs: { preprocess: 0, vision: 0, prefill: 0, ttft: 0, decode: 0, total: 0 },
    tokensPerSecond: 0,
  });
  return Object.assign((async function* () {
    yield* pieces;
  })(), { result });
}

describe('ModelWorker', () => {
  it('registers a live record with an expiry and removes it on close', async () => {
    const w = await worker({ workerId: 'w-reg', name: 'm-reg' });
    const rec = await record('w-reg');
    expect(rec).toMatchObject({ id: 'w-reg', model: 'm-reg', state: 'ready', inFlight: 0, concurrency: 1, jobsDone: 0 });
    expect(await redis.zscore(keys.workers, 'w-reg')).not.toBeNull();
    const ttl = await redis.pttl(keys.worker('w-reg'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
    await w.close();
    workers.splice(workers.indexOf(w), 1);
    expect(await record('w-reg')).toBeNull();
    expect(await redis.zscore(keys.workers, 'w-reg')).toBeNull();
  });

  it('streams start, deltas and end frames with consecutive seq, and counts the job', async () => {
    await worker({ workerId: 'w-ok', name: 'm-ok' });
    const jobId = await enqueue(queueFor('m-ok'), { model: 'm-ok', messages: [{ role: 'user', content: 'a red square' }] });
    const frames = await readFramesUntilEnd(redis, keys, jobId);
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
    expect(frames[0]).toMatchObject({ type: 'start', workerId: 'w-ok' });
    const end = frames.at(-1)!;
    expect(end.type).toBe('end');
    if (end.type !== 'end') return;
    expect(end.finishReason).toBe('stop');
    expect(end.text).toBe('answer to a red square');
    expect(textOf(frames)).toBe(end.text);
    expect(end.tokens.generated).toBe(5);
    expect(end.timingsMs.queue).toBeGreaterThanOrEqual(0);
    await waitFor(async () => (await record('w-ok'))?.jobsDone === 1, 'jobsDone = 1');
  });

  it('sends the start frame before the model starts its synchronous preparation, for a job whose image it must read first', async () => {
    const started = await worker({ workerId: 'w-first', name: 'm-first' });
    const imageId = 'b'.repeat(64);
    await redis.set(keys.image(imageId), Buffer.from([1, 2, 3]));
    const appends = countAppends(started);
    const sentWhenTheModelStarted: number[] = [];
    const generate = started.model.generate.bind(started.model);
    started.model.generate = (input, options) => {
      sentWhenTheModelStarted.push(appends.length);
      return generate(input, options);
    };
    const jobId = await enqueue(queueFor('m-first'), { model: 'm-first', imageId });
    const frames = await readFramesUntilEnd(redis, keys, jobId);
    expect(frames[0]).toMatchObject({ type: 'start', workerId: 'w-first' });
    expect(sentWhenTheModelStarted).toEqual([1]);
  });

  it('starts the model of a job with no image to read before its state is known; the start frame leaves with the first delta', async () => {
    const started = await worker({ workerId: 'w-early', name: 'm-early' });
    const state = watchStateReads(started);
    const appends = countAppends(started);
    const stateKnownWhenTheModelStarted: boolean[] = [];
    started.model.generate = (input) => {
      stateKnownWhenTheModelStarted.push(state.answered > 0);
      return readyAnswer(['one ', 'two']);
    };
    const jobId = await enqueue(queueFor('m-early'), { model: 'm-early' });
    const frames = await readFramesUntilEnd(redis, keys, jobId);
    expect(frames[0]?.type).toBe('start');
    expect(frames.at(-1)?.type).toBe('end');
    expect(textOf(frames)).toBe('one two');
    expect(stateKnownWhenTheModelStarted).toEqual([false]);
    expect(appends[0]).toEqual(['start', 'delta']);
  });

  it('reads an image once per worker: the next job about it starts its model before its state is known', async () => {
    const w = await worker({ name: 'm-cache' });
    const imageId = 'c'.repeat(64);
    await redis.set(keys.image(imageId), Buffer.from([9, 8, 7]));
    const state = watchStateReads(w);
    const stateKnownWhenTheModelStarted: boolean[] = [];
    const generate = w.model.generate.bind(w.model);
    w.model.generate = (input, options) => {
      stateKnownWhenTheModelStarted.push(state.answered === state.sent);
      return generate(input, options);
    };
    const queue = queueFor('m-cache');
    for (let i = 0; i < 2; i++) {
      const jobId = await enqueue(queue, { model: 'm-cache', imageId });
      expect((await readFramesUntilEnd(redis, keys, jobId)).at(-1)).toMatchObject({ type: 'end', text: 'answer to what is this? [image 3 bytes]' });
    }
    expect(w.model.calls.map((c) => Array.from(c.image!))).toEqual([[9, 8, 7], [9, 8, 7]]);
    expect(stateKnownWhenTheModelStarted).toEqual([true, false]);
    expect(state.imageReads).toBe(1);
  });

  it('answers with an error frame a request the model refuses at once, whether or not it could start early', async () => {
    const w = await worker({ name: 'm-refuse' });
    w.model.generate = () => {
      throw new MgmError('BAD_REQUEST', 'the fake model refuses this request');
    };
    const imageId = 'd'.repeat(64);
    await redis.set(keys.image(imageId), Buffer.from([1]));
    const queue = queueFor('m-refuse');
    for (const job of [{ imageId: null }, { imageId }]) {
      const jobId = await enqueue(queue, { model: 'm-refuse', ...job });
      const frames = await readFramesUntilEnd(redis, keys, jobId);
      expect(frames.map((f) => f.type)).toEqual(['start', 'error']);
      expect(frames.at(-1)).toMatchObject({ code: 'BAD_REQUEST', message: 'the fake model refuses this request' });
    }
  });

  it('stops a model started early when the job turns out cancelled, and writes only its abort', async () => {
    const w = await worker({ name: 'm-early-stop', tokenDelayMs: 20, answer: () => 'word '.repeat(100) });
    const queue = queueFor('m-early-stop');
    const jobId = randomUUID();
    await redis.set(keys.jobCancel(jobId), '1');
    await enqueue(queue, { model: 'm-early-stop', jobId });
    const frames = await readFramesUntilEnd(redis, keys, jobId);
    expect(frames.map((f) => f.type)).toEqual(['end']);
    expect(frames[0]).toMatchObject({ finishReason: 'abort', tokens: { generated: 0 } });
    await waitFor(async () => w.model.running === 0, 'the early model to stop');
  });

  it('passes the stored image bytes to the model', async () => {
    const w = await worker({ name: 'm-img' });
    const imageId = 'a'.repeat(64);
    await redis.set(keys.image(imageId), Buffer.from([1, 2, 3, 4, 5]));
    const jobId = await enqueue(queueFor('m-img'), { model: 'm-img', imageId });
    const frames = await readFramesUntilEnd(redis, keys, jobId);
    expect(frames.at(-1)).toMatchObject({ type: 'end', text: 'answer to what is this? [image 5 bytes]' });
    expect(Array.from(w.model.calls[0]!.image!)).toEqual([1, 2, 3, 4, 5]);
  });

  it('stops at the cancel flag within a token and is free for the next job at once', async () => {
    const w = await worker({ workerId: 'w-stop', name: 'm-stop', tokenDelayMs: 30, answer: () => 'word '.repeat(200) });
    const queue = queueFor('m-stop');
    const jobId = await enqueue(queue, { model: 'm-stop' });
    await waitFor(async () => (await redis.xlen(keys.jobStream(jobId))) >= 3, 'a few deltas');
    await redis.set(keys.jobCancel(jobId), '1');
    const frames = await readFramesUntilEnd(redis, keys, jobId);
    const end = frames.at(-1)!;
    expect(end).toMatchObject({ type: 'end', finishReason: 'abort' });
    if (end.type === 'end') expect(end.tokens.generated).toBeLessThan(20);
    // The stopped job keeps its figures for the admin view: finish reason abort, the tokens it made.
    await waitFor(async () => (await queue.getJob(jobId))?.finishedOn !== undefined, 'the stopped job finished in BullMQ');
    const stopped = await queue.getJob(jobId);
    expect(stopped?.returnvalue).toMatchObject({ workerId: 'w-stop', finishReason: 'abort' });
    if (end.type === 'end') expect(stopped?.returnvalue).toMatchObject({ tokens: end.tokens, timingsMs: end.timingsMs });
    w.model.calls.length = 0;
    const next = await enqueue(queue, { model: 'm-stop', params: { ...defaultSamplingParams, maxNewTokens: 2 } });
    const nextFrames = await readFramesUntilEnd(redis, keys, next, 3000);
    expect(nextFrames.at(-1)).toMatchObject({ type: 'end', finishReason: 'length' });
  });

  it('answers bad input with an error frame and never retries it', async () => {
    await worker({ workerId: 'w-bad', name: 'm-bad', contextChars: 50 });
    const queue = queueFor('m-bad');
    const missingImage = await enqueue(queue, { model: 'm-bad', imageId: 'b'.repeat(64) });
    expect((await readFramesUntilEnd(redis, keys, missingImage)).at(-1)).toMatchObject({ type: 'error', code: 'IMAGE_NOT_FOUND' });
    const tooLong = await enqueue(queue, { model: 'm-bad', messages: [{ role: 'user', content: 'x'.repeat(60) }] });
    const frames = await readFramesUntilEnd(redis, keys, tooLong);
    expect(frames.map((f) => f.type)).toEqual(['start', 'error']);
    expect(frames.at(-1)).toMatchObject({ code: 'PROMPT_TOO_LONG' });
    const invalidId = randomUUID();
    await queue.add('generate', { jobId: invalidId, nonsense: true }, { jobId: invalidId, attempts: 3 });
    expect((await readFramesUntilEnd(redis, keys, invalidId)).at(-1)).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
    const job = await waitFor(async () => {
      const j = await queue.getJob(invalidId);
      return j && (await j.isFailed()) ? j : null;
    }, 'the invalid job to fail');
    expect(job.attemptsStarted).toBe(1);
    expect((await queue.getJob(invalidId))?.failedReason).toContain('BAD_REQUEST');
    // The missing image and the prompt too long are refused requests (their own input), not failures
    // of the worker: the jobs complete with their error frames; only the invalid payload counts.
    expect(await (await queue.getJob(tooLong))?.getState()).toBe('completed');
    expect(await (await queue.getJob(missingImage))?.getState()).toBe('completed');
    await waitFor(async () => (await record('w-bad'))?.jobsFailed === 1, 'jobsFailed = 1');
    expect((await record('w-bad'))?.jobsFailed).toBe(1);
    expect((await record('w-bad'))?.state).toBe('ready');
  });

  it('shares a queue between two workers of the same model', async () => {
    await worker({ workerId: 'w-a', name: 'm-share', tokenDelayMs: 40 });
    await worker({ workerId: 'w-b', name: 'm-share', tokenDelayMs: 40 });
    const queue = queueFor('m-share');
    const jobIds = await Promise.all([1, 2, 3, 4].map(() => enqueue(queue, { model: 'm-share' })));
    const starts = await Promise.all(jobIds.map(async (id) => (await readFramesUntilEnd(redis, keys, id))[0]));
    const servedBy = new Set(starts.map((f) => (f?.type === 'start' ? f.workerId : '')));
    expect(servedBy).toEqual(new Set(['w-a', 'w-b']));
  });

  it('obeys pause and resume from the admin channel', async () => {
    await worker({ workerId: 'w-adm', name: 'm-adm' });
    const publish = (action: string) =>
      redis.publish(keys.adminChannel, JSON.stringify({ action, workerId: 'w-adm', commandId: randomUUID(), issuedAt: Date.now() }));
    await publish('pause');
    await waitFor(async () => (await record('w-adm'))?.state === 'paused', 'state paused');
    const queue = queueFor('m-adm');
    const jobId = await enqueue(queue, { model: 'm-adm' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await redis.xlen(keys.jobStream(jobId))).toBe(0);
    await publish('resume');
    await waitFor(async () => (await record('w-adm'))?.state === 'ready', 'state ready');
    expect((await readFramesUntilEnd(redis, keys, jobId)).at(-1)?.type).toBe('end');
  });

  it('on close finishes the job in flight, then deregisters', async () => {
    const w = await worker({ workerId: 'w-drain', name: 'm-drain', tokenDelayMs: 20 });
    const jobId = await enqueue(queueFor('m-drain'), { model: 'm-drain', messages: [{ role: 'user', content: 'one two three four five six' }] });
    await waitFor(async () => (await redis.xlen(keys.jobStream(jobId))) >= 2, 'the job to start');
    await w.close();
    workers.splice(workers.indexOf(w), 1);
    const frames = await readFramesUntilEnd(redis, keys, jobId, 1000);
    expect(frames.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop' });
    expect(await record('w-drain')).toBeNull();
  });

  it('hands a job that outlives the drain timeout back to another worker', async () => {
    const slow = await worker({ workerId: 'w-slow', name: 'm-hand', tokenDelayMs: 30, drainTimeoutMs: 100, answer: () => 'tok '.repeat(40) });
    const queue = queueFor('m-hand');
    const jobId = await enqueue(queue, { model: 'm-hand' });
    await waitFor(async () => (await redis.xlen(keys.jobStream(jobId))) >= 3, 'the job to start');
    await slow.close();
    workers.splice(workers.indexOf(slow), 1);
    await worker({ workerId: 'w-next', name: 'm-hand', tokenDelayMs: 1, answer: () => 'tok '.repeat(40) });
    const frames = await readFramesUntilEnd(redis, keys, jobId);
    const starts = frames.filter((f) => f.type === 'start');
    expect(starts.map((f) => (f.type === 'start' ? f.workerId : ''))).toEqual(['w-slow', 'w-next']);
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
    expect(frames.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop', text: 'tok '.repeat(40) });
  });
});
