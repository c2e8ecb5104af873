import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientFrame, GenerateAck, RedisKeys } from '@mgm/protocol';
import { connect, startTestWorker, testNamespace, waitFor, type TestWorker } from '@mgm/worker/testing';
import { makePng } from './make-png.ts';
import { framesUntilEnd, openClient, startTestController, textOf, type ClientSocket, type TestController } from './test-controller.ts';

let redis: Redis;
let keys: RedisKeys;
let cleanup: (redis: Redis) => Promise<void>;
let ctl: TestController;
const workers: TestWorker[] = [];
const sockets: ClientSocket[] = [];
const extraControllers: TestController[] = [];

beforeEach(async () => {
  redis = connect();
  ({ keys, cleanup } = testNamespace('gw'));
  ctl = await startTestController(keys);
});

afterEach(async () => {
  sockets.splice(0).forEach((s) => s.disconnect());
  await Promise.all(workers.splice(0).map((w) => w.close()));
  await Promise.all(extraControllers.splice(0).map((c) => c.close()));
  await ctl.close();
  await cleanup(redis);
  await redis.quit();
});

async function worker(options: Parameters<typeof startTestWorker>[1]): Promise<TestWorker> {
  const w = await startTestWorker(keys, options);
  workers.push(w);
  return w;
}

async function client(url = ctl.url): Promise<ClientSocket> {
  const socket = await openClient(url);
  sockets.push(socket);
  return socket;
}

type OkAck = Extract<GenerateAck, { ok: true }>;

async function generate(socket: ClientSocket, request: unknown): Promise<GenerateAck> {
  return socket.timeout(5000).emitWithAck('generate', request as never);
}

function ok(ack: GenerateAck): OkAck {
  if (!ack.ok) throw new Error(`generate refused: ${ack.error.code} ${ack.error.message}`);
  return ack;
}

const ask = (content: string) => [{ role: 'user' as const, content }];

describe('socket.io gateway', () => {
  it('streams one model answer with consecutive seq, start info and final figures', async () => {
    await worker({ workerId: 'w1', name: 'alpha' });
    const socket = await client();
    const ack = ok(await generate(socket, { messages: ask('what is red'), models: ['alpha'] }));
    expect(ack.jobs).toEqual([{ jobId: expect.any(String), model: 'alpha' }]);
    const frames = (await framesUntilEnd(socket, [ack.jobs[0]!.jobId])).get(ack.jobs[0]!.jobId)!;
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
    expect(frames.every((f) => f.requestId === ack.requestId && f.model === 'alpha')).toBe(true);
    // Clients get an opaque label, never the worker id (which holds the host name and pid by default).
    expect(frames[0]).toMatchObject({ type: 'start', workerId: expect.stringMatching(/^w-[0-9a-f]{10}$/) });
    expect(JSON.stringify(frames)).not.toContain('w1');
    const end = frames.at(-1)!;
    expect(end).toMatchObject({ type: 'end', finishReason: 'stop', text: 'answer to what is red' });
    expect(textOf(frames)).toBe('answer to what is red');
  });

  it('sends the uploaded image to the worker and applies the sampling params', async () => {
    const w = await worker({ name: 'alpha' });
    const upload = await fetch(`${ctl.url}/api/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: makePng(20, 20, [0, 128, 0]) });
    const { imageId } = (await upload.json()) as { imageId: string };
    const socket = await client();
    const ack = ok(await generate(socket, { messages: ask('colour?'), models: ['alpha'], imageId, imageMode: 'pad', params: { temperature: 0, maxNewTokens: 2 } }));
    const frames = (await framesUntilEnd(socket, [ack.jobs[0]!.jobId])).get(ack.jobs[0]!.jobId)!;
    expect(frames.at(-1)).toMatchObject({ type: 'end', finishReason: 'length', text: 'answer to ' });
    const call = w.model.calls[0]!;
    expect(call.imageMode).toBe('pad');
    expect(call.params).toMatchObject({ temperature: 0, maxNewTokens: 2, topP: 0.7 });
    expect(Buffer.from(call.image!).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('answers several models at once, each in its own stream', async () => {
    await worker({ name: 'alpha', answer: () => 'alpha says hi' });
    await worker({ name: 'beta', answer: () => 'beta says hello there' });
    const socket = await client();
    const ack = ok(await generate(socket, { messages: ask('hi'), models: ['alpha', 'beta'] }));
    expect(ack.jobs.map((j) => j.model)).toEqual(['alpha', 'beta']);
    const frames = await framesUntilEnd(socket, ack.jobs.map((j) => j.jobId));
    expect(textOf(frames.get(ack.jobs[0]!.jobId)!)).toBe('alpha says hi');
    expect(textOf(frames.get(ack.jobs[1]!.jobId)!)).toBe('beta says hello there');
  });

  it('refuses what it cannot serve with an ack error a person understands', async () => {
    await worker({ workerId: 'w-p', name: 'alpha' });
    const socket = await client();
    const unknown = await generate(socket, { messages: ask('hi'), models: ['nope'] });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'MODEL_NOT_FOUND' } });
    if (!unknown.ok) expect(unknown.error.message).toContain('alpha');
    expect(await generate(socket, { messages: [], models: ['alpha'] })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await generate(socket, { messages: ask('hi'), models: ['alpha'], params: { temperature: 9 } })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('temperature') },
    });
    expect(await generate(socket, { messages: ask('hi'), models: ['alpha'], imageId: 'd'.repeat(64) })).toMatchObject({
      ok: false,
      error: { code: 'IMAGE_NOT_FOUND' },
    });
    expect(await generate(socket, 'garbage' as never)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('queues the questions of a model whose workers are all paused (as a paused queue does), answered on resume', async () => {
    await worker({ workerId: 'w-p', name: 'alpha' });
    const socket = await client();
    await redis.publish(keys.adminChannel, JSON.stringify({ action: 'pause', workerId: 'w-p', commandId: 'c1', issuedAt: Date.now() }));
    await waitFor(async () => (await ctl.controller.registry.list())[0]?.state === 'paused', 'the worker paused');
    const ack = ok(await generate(socket, { messages: ask('hi'), models: ['alpha'] }));
    const jobId = ack.jobs[0]!.jobId;
    const done = framesUntilEnd(socket, [jobId]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await ctl.controller.dispatcher.state({ ...ack.jobs[0]!, requestId: ack.requestId, enqueuedAt: 0 }).then((s) => s.state)).toBe('waiting');
    await redis.publish(keys.adminChannel, JSON.stringify({ action: 'resume', workerId: 'w-p', commandId: 'c2', issuedAt: Date.now() }));
    expect((await done).get(jobId)!.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop' });
  });

  it('turns a failure inside the worker into an error frame', async () => {
    await worker({ name: 'alpha', contextChars: 20 });
    const socket = await client();
    const ack = ok(await generate(socket, { messages: ask('a question that is far too long for it'), models: ['alpha'] }));
    const frames = (await framesUntilEnd(socket, [ack.jobs[0]!.jobId])).get(ack.jobs[0]!.jobId)!;
    expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'PROMPT_TOO_LONG', message: expect.stringContaining('too long') });
  });

  it('stops a running answer within a token and the worker takes the next question at once', async () => {
    await worker({ workerId: 'w-stop', name: 'alpha', tokenDelayMs: 25, answer: () => 'word '.repeat(300) });
    const socket = await client();
    const ack = ok(await generate(socket, { messages: ask('talk'), models: ['alpha'] }));
    const jobId = ack.jobs[0]!.jobId;
    const ended = framesUntilEnd(socket, [jobId]);
    await new Promise<void>((resolve) => {
      const onFrame = (frame: ClientFrame) => {
        if (frame.type === 'delta' && frame.seq >= 3) {
          socket.off('frame', onFrame);
          resolve();
        }
      };
      socket.on('frame', onFrame);
    });
    expect(await socket.timeout(5000).emitWithAck('stop', { requestId: ack.requestId })).toEqual({ ok: true, jobIds: [jobId] });
    const frames = (await ended).get(jobId)!;
    const end = frames.at(-1)!;
    expect(end).toMatchObject({ type: 'end', finishReason: 'abort' });
    if (end.type === 'end') expect(end.tokens.generated).toBeLessThan(30);

    const next = ok(await generate(socket, { messages: ask('short'), models: ['alpha'], params: { maxNewTokens: 1 } }));
    const nextFrames = (await framesUntilEnd(socket, [next.jobs[0]!.jobId], 3000)).get(next.jobs[0]!.jobId)!;
    expect(nextFrames.at(-1)).toMatchObject({ type: 'end', finishReason: 'length' });
  });

  it('stops a queued answer before any worker starts it', async () => {
    await worker({ name: 'alpha', tokenDelayMs: 20, answer: () => 'busy '.repeat(100) });
    const socket = await client();
    const busy = ok(await generate(socket, { messages: ask('first'), models: ['alpha'] }));
    const queued = ok(await generate(socket, { messages: ask('second'), models: ['alpha'] }));
    const queuedId = queued.jobs[0]!.jobId;
    const ended = framesUntilEnd(socket, [queuedId]);
    expect(await socket.timeout(5000).emitWithAck('stop', { jobId: queuedId })).toEqual({ ok: true, jobIds: [queuedId] });
    const frames = (await ended).get(queuedId)!;
    expect(frames.map((f) => f.type)).toEqual(['end']);
    expect(frames[0]).toMatchObject({ finishReason: 'abort', text: '' });
    await socket.timeout(5000).emitWithAck('stop', { jobId: busy.jobs[0]!.jobId });
    expect(await socket.timeout(5000).emitWithAck('stop', { jobId: 'no-such-job' })).toMatchObject({ ok: false, error: { code: 'JOB_NOT_FOUND' } });
  });

  it('resumes after a reconnect with exactly the frames not yet seen, through another controller too', async () => {
    await worker({ name: 'alpha', tokenDelayMs: 15, answer: () => Array.from({ length: 40 }, (_, i) => `t${i}`).join(' ') });
    const first = await client();
    const ack = ok(await generate(first, { messages: ask('count'), models: ['alpha'] }));
    const jobId = ack.jobs[0]!.jobId;
    const seen: ClientFrame[] = [];
    await new Promise<void>((resolve) => {
      first.on('frame', (frame) => {
        seen.push(frame);
        if (seen.length === 6) {
          first.disconnect();
          resolve();
        }
      });
    });
    const lastSeq = seen.at(-1)!.seq;
    expect(seen.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const other = await startTestController(keys);
    extraControllers.push(other);
    const second = await client(other.url);
    const rest = framesUntilEnd(second, [jobId]);
    expect(await second.timeout(5000).emitWithAck('resume', { jobId, afterSeq: lastSeq })).toEqual({
      ok: true,
      jobId,
      requestId: ack.requestId,
      model: 'alpha',
    });
    const resumed = (await rest).get(jobId)!;
    const all = [...seen, ...resumed];
    expect(all.map((f) => f.seq)).toEqual(all.map((_, i) => i));
    const end = all.at(-1)!;
    expect(end.type).toBe('end');
    if (end.type === 'end') expect(textOf(all)).toBe(end.text);

    const replay = await client(other.url);
    const again = framesUntilEnd(replay, [jobId]);
    await replay.timeout(5000).emitWithAck('resume', { jobId, afterSeq: -1 });
    expect((await again).get(jobId)!.map((f) => f.seq)).toEqual(all.map((f) => f.seq));
    expect(await replay.timeout(5000).emitWithAck('resume', { jobId: 'unknown-job', afterSeq: 0 })).toMatchObject({
      ok: false,
      error: { code: 'JOB_NOT_FOUND' },
    });
  });
});
