import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { feedbackRecordSchema, modelListResponseSchema, workerListResponseSchema, type RedisKeys } from '@mgm/protocol';
import { startTestWorker, waitFor, type TestWorker } from '@mgm/worker/testing';
import { makePng } from './make-png.ts';
import { type ControllerTestStack, startControllerTestStack, stopControllerTestStack } from './controller-test-stack.ts';
import { framesUntilEnd, openClient, type TestController } from './test-controller.ts';

let stack: ControllerTestStack;
let redis: Redis;
let keys: RedisKeys;
let ctl: TestController;
const workers: TestWorker[] = [];

beforeEach(async () => {
  stack = await startControllerTestStack('http', { maxUploadBytes: 256 * 1024 });
  ({ redis, keys, ctl } = stack);
});

afterEach(() => stopControllerTestStack(stack, { workers }));

async function getJson(route: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${ctl.url}${route}`);
  return { status: res.status, body: await res.json() };
}

describe('HTTP API', () => {
  it('lists live models and workers from the registry, and forgets a worker that left', async () => {
    expect((await getJson('/api/models')).body).toEqual({ models: [] });
    workers.push(await startTestWorker(keys, { workerId: 'a1', name: 'alpha', displayName: 'Alpha' }));
    const a2 = await startTestWorker(keys, { workerId: 'a2', name: 'alpha', displayName: 'Alpha' });
    workers.push(a2);
    workers.push(await startTestWorker(keys, { workerId: 'b1', name: 'beta', capabilities: ['image', 'multi-turn', 'hd'] }));

    const models = modelListResponseSchema.parse((await getJson('/api/models')).body).models;
    expect(models.map((m) => [m.id, m.workers, m.ready])).toEqual([
      ['alpha', 2, 2],
      ['beta', 1, 1],
    ]);
    expect(models[0]).toMatchObject({ displayName: 'Alpha', architecture: 'mgm', template: 'vicuna_v1', visualTokens: 36 });
    expect(models[1]?.capabilities).toContain('hd');
    const listed = workerListResponseSchema.parse((await getJson('/api/workers')).body).workers;
    expect(listed.map((w) => [w.model, w.state])).toEqual([
      ['alpha', 'ready'],
      ['alpha', 'ready'],
      ['beta', 'ready'],
    ]);
    // The public list says nothing about where the workers run (ids hold the host name by default).
    const rawText = JSON.stringify((await getJson('/api/workers')).body);
    for (const secret of ['a1', 'a2', 'b1', '"pid"', '"host"', '/fake/', 'memoryRss']) expect(rawText).not.toContain(secret);

    await a2.close();
    workers.splice(workers.indexOf(a2), 1);
    const after = modelListResponseSchema.parse((await getJson('/api/models')).body).models;
    expect(after.find((m) => m.id === 'alpha')?.workers).toBe(1);
  });

  it('stores an uploaded image (raw body or multipart) under its hash and serves it back', async () => {
    const png = makePng(40, 30, [200, 10, 10]);
    const raw = await fetch(`${ctl.url}/api/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
    expect(raw.status).toBe(201);
    const uploaded = (await raw.json()) as { imageId: string; width: number; height: number };
    expect(uploaded).toMatchObject({ width: 40, height: 30 });
    expect(uploaded.imageId).toMatch(/^[0-9a-f]{64}$/);
    expect(await redis.ttl(keys.image(uploaded.imageId))).toBeGreaterThan(60);

    const form = new FormData();
    form.append('image', new Blob([png], { type: 'image/png' }), 'red.png');
    const multipart = await fetch(`${ctl.url}/api/images`, { method: 'POST', body: form });
    expect(multipart.status).toBe(201);
    expect(((await multipart.json()) as { imageId: string }).imageId).toBe(uploaded.imageId);

    const served = await fetch(`${ctl.url}/api/images/${uploaded.imageId}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await served.arrayBuffer());
    expect(bytes.subarray(0, 8)).toEqual(png.subarray(0, 8));
    expect((await fetch(`${ctl.url}/api/images/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await fetch(`${ctl.url}/api/images/not-an-id`)).status).toBe(404);
  });

  it('rejects bad uploads with a 4xx and a code, and stays up', async () => {
    const post = (body: NonNullable<RequestInit['body']>, contentType?: string) =>
      fetch(`${ctl.url}/api/images`, { method: 'POST', body, ...(contentType ? { headers: { 'content-type': contentType } } : {}) });
    const garbage = await post(Buffer.from('this is not an image'), 'image/png');
    expect(garbage.status).toBe(422);
    expect(((await garbage.json()) as { error: { code: string } }).error.code).toBe('IMAGE_INVALID');

    const empty = await post(Buffer.alloc(0), 'image/jpeg');
    expect(empty.status).toBe(422);

    const tooBig = await post(Buffer.alloc(300 * 1024, 1), 'image/png');
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { error: { code: string } }).error.code).toBe('IMAGE_TOO_LARGE');

    const wrongType = await post('hello', 'text/plain');
    expect(wrongType.status).toBe(400);

    const form = new FormData();
    form.append('file', new Blob([makePng(4, 4, [0, 0, 0])]), 'x.png');
    const wrongField = await post(form);
    expect(wrongField.status).toBe(400);
    expect(((await wrongField.json()) as { error: { message: string } }).error.message).toContain('"image"');

    expect((await fetch(`${ctl.url}/api/images`)).status).toBe(405);
    expect((await fetch(`${ctl.url}/nope`)).status).toBe(404);
    expect(await getJson('/healthz')).toEqual({ status: 200, body: { ok: true, redis: 'up' } });
  });

  it('appends feedback on a real answer as JSONL, read from the job itself, once per kind; refuses made-up jobs', async () => {
    workers.push(await startTestWorker(keys, { workerId: 'fb-1', name: 'alpha', tokenDelayMs: 1 }));
    const socket = await openClient(ctl.url);
    const ack = await socket.timeout(5000).emitWithAck('generate', { messages: [{ role: 'user', content: 'what colour?' }], models: ['alpha'] });
    if (!ack.ok) throw new Error(ack.error.message);
    const jobId = ack.jobs[0]!.jobId;
    await framesUntilEnd(socket, [jobId]);
    socket.close();
    const vote = {
      kind: 'upvote',
      requestId: ack.requestId,
      jobId,
      model: 'alpha',
      // What the browser sends is not trusted: the record holds the job's own conversation and answer.
      conversation: [
        { role: 'user', content: 'what colour?' },
        { role: 'assistant', content: 'x'.repeat(30_000) },
      ],
      params: { temperature: 0.2, topP: 0.7, topK: 0, repetitionPenalty: 1, maxNewTokens: 512 },
      imageMode: 'pad',
      imageHash: 'c'.repeat(64),
      timingsMs: { queue: 1, preprocess: 2, vision: 3, prefill: 4, ttft: 10, decode: 20, total: 31 },
    };
    const post = (body: unknown) => fetch(`${ctl.url}/api/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = await post(vote);
    expect(ok.status).toBe(201);
    const { id } = (await ok.json()) as { id: string };
    const flag = await post({ ...vote, kind: 'flag', comment: 'wrong' });
    expect(flag.status).toBe(201);
    // The same kind again on the same job: the first record's id, nothing written.
    for (let i = 0; i < 5; i += 1) {
      const again = await post(vote);
      expect(again.status).toBe(200);
      expect(((await again.json()) as { id: string }).id).toBe(id);
    }
    const lines = (await readFile(path.join(ctl.dataDir, 'feedback.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    const first = feedbackRecordSchema.parse(JSON.parse(lines[0]!));
    expect(first).toMatchObject({ id, kind: 'upvote', model: 'alpha', jobId, imageHash: null, workerId: 'fb-1', finishReason: 'stop' });
    expect(first.conversation).toEqual([
      { role: 'user', content: 'what colour?' },
      { role: 'assistant', content: 'answer to what colour?' },
    ]);
    expect(first.timingsMs?.ttft).toBeGreaterThan(0);

    // Made-up jobs, or a real job under another request or model, are refused.
    const madeUp = await post({ ...vote, jobId: 'job-1', requestId: 'req-1' });
    expect(madeUp.status).toBe(404);
    expect(((await madeUp.json()) as { error: { code: string } }).error.code).toBe('JOB_NOT_FOUND');
    expect((await post({ ...vote, kind: 'downvote', requestId: 'req-1' })).status).toBe(400);
    expect((await readFile(path.join(ctl.dataDir, 'feedback.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2);

    const bad = await fetch(`${ctl.url}/api/feedback`, { method: 'POST', body: JSON.stringify({ ...vote, kind: 'meh' }) });
    expect(bad.status).toBe(400);
    const notJson = await fetch(`${ctl.url}/api/feedback`, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    await waitFor(async () => (await getJson('/healthz')).status === 200, 'healthz');
  });
});
