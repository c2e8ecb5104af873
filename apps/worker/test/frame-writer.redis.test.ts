import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeFrameEntry, type RedisKeys } from '@mgm/protocol';
import { FrameWriter } from '../src/frame-writer.ts';
import { TickPipeline } from '../src/tick-pipeline.ts';
import { REDIS_URL, connect, testNamespace } from './redis-test-helpers.ts';

let redis: Redis;
let keys: RedisKeys;
let cleanup: (redis: Redis) => Promise<void>;

beforeEach(() => {
  redis = connect();
  ({ keys, cleanup } = testNamespace('fw'));
});

afterEach(async () => {
  await cleanup(redis);
  await redis.quit();
});

function writer(jobId: string, onCancelled = () => undefined, deltaIntervalMs = 0, connection: Redis = redis): FrameWriter {
  return new FrameWriter({ redis: connection, streamKey: keys.jobStream(jobId), cancelKey: keys.jobCancel(jobId), ttlSeconds: 30, onCancelled, deltaIntervalMs });
}

/** A connection that counts the scripts it sends (one per append round trip). */
function countingConnection(): { connection: Redis; appends: () => number } {
  return countingOf(connect());
}

function countingOf(counting: Redis): { connection: Redis; appends: () => number } {
  let evals = 0;
  // Counted where every command leaves, pipelined or not.
  const original = counting.sendCommand.bind(counting);
  counting.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
    if (command.name === 'eval') evals += 1;
    return (original as (...args: unknown[]) => unknown)(command, ...rest);
  }) as typeof counting.sendCommand;
  return { connection: counting, appends: () => evals };
}

const endFrame = (text: string, generated: number) =>
  ({
    type: 'end',
    finishReason: 'stop',
    tokens: { prompt: 1, visual: 0, generated },
    timingsMs: { queue: 0, preprocess: 0, vision: 0, prefill: 0, ttft: 0, decode: 0, total: 0 },
    tokensPerSecond: 1,
    text,
  }) as const;

async function frames(jobId: string) {
  return (await redis.xrange(keys.jobStream(jobId), '-', '+')).map(([id, fields]) => decodeFrameEntry(jobId, id, fields));
}

describe('FrameWriter', () => {
  it('keeps order and text exactly while merging deltas produced during an append', async () => {
    const w = writer('j1');
    w.push({ type: 'start', workerId: 'w', queueMs: 1 });
    const words = Array.from({ length: 200 }, (_, i) => `w${i} `);
    for (const word of words) w.push({ type: 'delta', text: word });
    await w.append({ type: 'end', finishReason: 'stop', tokens: { prompt: 1, visual: 0, generated: 200 }, timingsMs: { queue: 0, preprocess: 0, vision: 0, prefill: 0, ttft: 0, decode: 0, total: 0 }, tokensPerSecond: 1, text: words.join('') });
    const written = await frames('j1');
    expect(written.map((f) => f.seq)).toEqual(written.map((_, i) => i));
    expect(written[0]?.type).toBe('start');
    expect(written.at(-1)?.type).toBe('end');
    expect(written.filter((f) => f.type === 'delta').map((f) => (f.type === 'delta' ? f.text : '')).join('')).toBe(words.join(''));
    expect(written.length).toBeLessThan(202);
    expect(await redis.ttl(keys.jobStream('j1'))).toBeGreaterThan(0);
  });

  it('merges the log-probabilities of merged deltas, in order, without touching the frames pushed', async () => {
    const w = writer('jl');
    const entry = (token: string) => ({ token, logprob: -0.5, bytes: Array.from(Buffer.from(token)), top: [] });
    const pushed = Array.from({ length: 50 }, (_, i) => ({ type: 'delta' as const, text: '', logprobs: [entry(`t${i}`)] }));
    for (const [i, frame] of pushed.entries()) {
      w.push(frame);
      w.push({ type: 'delta', text: `t${i}` });
    }
    await w.flush();
    const deltas = (await frames('jl')).flatMap((f) => (f.type === 'delta' ? [f] : []));
    expect(deltas.length).toBeLessThan(100);
    expect(deltas.flatMap((f) => f.logprobs ?? []).map((e) => e.token)).toEqual(pushed.map((_, i) => `t${i}`));
    expect(deltas.map((f) => f.text).join('')).toBe(pushed.map((_, i) => `t${i}`).join(''));
    expect(pushed.every((f) => f.logprobs.length === 1)).toBe(true);
  });

  it('reports the cancel flag with the next append, and refuses to write after a terminal frame', async () => {
    let cancelled = 0;
    const w = writer('j2', () => {
      cancelled += 1;
    });
    await w.append({ type: 'start', workerId: 'w', queueMs: 0 });
    expect(cancelled).toBe(0);
    await redis.set(keys.jobCancel('j2'), '1');
    w.push({ type: 'delta', text: 'a' });
    await w.flush();
    expect(cancelled).toBe(1);
    expect(await w.append({ type: 'error', code: 'INTERNAL', message: 'x' })).toBe(2);
    expect(await w.append({ type: 'delta', text: 'late' })).toBe(-1);
    expect(w.open).toBe(false);
    expect(cancelled).toBe(1);
    expect((await frames('j2')).map((f) => f.type)).toEqual(['start', 'delta', 'error']);
  });

  it('sends the first delta at once, holds later ones for the interval, and flushes them on demand', async () => {
    const w = writer('j3', () => undefined, 10_000);
    await w.append({ type: 'start', workerId: 'w', queueMs: 0 });
    w.push({ type: 'delta', text: 'first ' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await frames('j3')).map((f) => f.type)).toEqual(['start', 'delta']);
    for (let i = 0; i < 10; i += 1) w.push({ type: 'delta', text: `t${i} ` });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await frames('j3')).length).toBe(2);
    const flushStarted = performance.now();
    await w.flush();
    // Far below the 10 s interval: flush does not wait for it.
    expect(performance.now() - flushStarted).toBeLessThan(5000);
    const written = await frames('j3');
    expect(written.map((f) => f.type)).toEqual(['start', 'delta', 'delta']);
    expect(written[2]).toMatchObject({ text: 't0 t1 t2 t3 t4 t5 t6 t7 t8 t9 ' });
  });

  it('sends the deltas still held with the end frame in one round trip, seqs contiguous and in order', async () => {
    const { connection, appends } = countingConnection();
    try {
      const w = writer('j4', () => undefined, 10_000, connection);
      await w.append({ type: 'start', workerId: 'w', queueMs: 0 });
      w.push({ type: 'delta', text: 'first ' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (let i = 0; i < 5; i += 1) w.push({ type: 'delta', text: `t${i} ` });
      const before = appends();
      const endSeq = await w.append(endFrame('first t0 t1 t2 t3 t4 ', 6));
      // The held deltas did not need an append of their own: one round trip carried them and the end.
      expect(appends() - before).toBe(1);
      const written = await frames('j4');
      expect(written.map((f) => [f.seq, f.type])).toEqual([
        [0, 'start'],
        [1, 'delta'],
        [2, 'delta'],
        [3, 'end'],
      ]);
      expect(endSeq).toBe(3);
      expect(written[2]).toMatchObject({ text: 't0 t1 t2 t3 t4 ' });
    } finally {
      await connection.quit();
    }
  });

  it('appends nothing after a terminal frame of the same batch, and nothing to a stream that already ended', async () => {
    const w = writer('j6');
    w.push({ type: 'delta', text: 'x' });
    expect(await w.append(endFrame('x', 1))).toBe(1);
    w.push({ type: 'delta', text: 'late' });
    await w.flush();
    expect(w.open).toBe(false);
    expect((await frames('j6')).map((f) => f.type)).toEqual(['delta', 'end']);
  });

  it('sends a frame before the event loop runs what was already scheduled (a decode step), even on an autopipelining connection', async () => {
    // The worker's main connection autopipelines; onnxruntime-node runs each decode step from a
    // setImmediate that may be scheduled before the frame is pushed.
    const autopipelining = new Redis(REDIS_URL, { maxRetriesPerRequest: null, enableAutoPipelining: true });
    const { connection, appends } = countingOf(autopipelining);
    try {
      const w = writer('j7', () => undefined, 0, connection);
      const sentBeforeTheStep = new Promise<number>((resolve) => setImmediate(() => resolve(appends())));
      w.push({ type: 'delta', text: 'first' });
      expect(await sentBeforeTheStep).toBe(1);
      await w.flush();
      expect((await frames('j7')).map((f) => f.type)).toEqual(['delta']);
    } finally {
      await connection.quit();
    }
  });

  it('sends the frames several writers push in the same tick in one write', async () => {
    const { connection } = countingConnection();
    const writes = vi.spyOn(connection, 'pipeline');
    try {
      const pipeline = new TickPipeline(connection);
      const writers = ['j8a', 'j8b', 'j8c'].map((jobId) => new FrameWriter({ redis: connection, streamKey: keys.jobStream(jobId), cancelKey: keys.jobCancel(jobId), ttlSeconds: 30, onCancelled: () => undefined, pipeline }));
      for (const w of writers) w.push({ type: 'delta', text: 'same step' });
      await Promise.all(writers.map((w) => w.flush()));
      expect(writes).toHaveBeenCalledTimes(1);
      for (const jobId of ['j8a', 'j8b', 'j8c']) expect((await frames(jobId)).map((f) => (f.type === 'delta' ? f.text : f.type))).toEqual(['same step']);
    } finally {
      await connection.quit();
    }
  });
});
