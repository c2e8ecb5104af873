import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate, scoreAnswer, type EvaluationRun, type EvaluationSnapshot } from '@mgm/evaluation';
import type { GenerateAck, RedisKeys } from '@mgm/protocol';
import { connect, startTestWorker, testNamespace, waitFor, type TestWorker } from '@mgm/worker/testing';
import { makePng } from './make-png.ts';
import { openClient, startTestController, type TestController } from './test-controller.ts';

const TOKEN = 'test-admin-token-evaluation-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
// The fake model answers "circle" to everything: the questions whose reference is "circle" score 1.
const QUESTIONS = [
  { id: 'q1', image: 'images/red.png', question: 'Which shape is red?', answer: 'circle', type: 'shape' },
  { id: 'q2', image: 'images/blue.png', question: 'Which shape is blue?', answer: 'square', type: 'shape' },
  { id: 'q3', image: 'images/red.png', question: 'What colour is the circle?', answer: 'red', type: 'colour', history: [{ question: 'How many?', answer: '1' }] },
  { id: 'q4', image: 'images/blue.png', question: 'Describe it.', answer: 'a blue circle', type: 'description' },
  { id: 'q5', image: 'images/red.png', question: 'Which shape is on the left?', answer: 'circle', type: 'shape' },
  { id: 'q6', image: 'images/blue.png', question: 'How many shapes?', answer: '2', type: 'count' },
];

let redis: Redis;
let keys: RedisKeys;
let cleanup: (redis: Redis) => Promise<void>;
let ctl: TestController;
let worker: TestWorker;
let setDir: string;

async function post(pathname: string, body: unknown, headers: Record<string, string> = auth): Promise<Response> {
  return fetch(`${ctl.url}${pathname}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function snapshot(id: string, results = 'none'): Promise<EvaluationSnapshot> {
  return (await (await fetch(`${ctl.url}/api/evaluations/${id}?results=${results}`)).json()) as EvaluationSnapshot;
}

async function finished(id: string): Promise<EvaluationSnapshot> {
  return waitFor(async () => {
    const s = await snapshot(id, 'all');
    return s.run.status !== 'running' ? s : null;
  }, `run ${id} to end`, 30_000);
}

beforeAll(async () => {
  redis = connect();
  ({ keys, cleanup } = testNamespace('evaluation'));
  setDir = await mkdtemp(path.join(tmpdir(), 'mgm-eval-set-'));
  await mkdir(path.join(setDir, 'images'));
  await writeFile(path.join(setDir, 'images/red.png'), makePng(24, 24, [220, 30, 30]));
  await writeFile(path.join(setDir, 'images/blue.png'), makePng(24, 24, [30, 30, 220]));
  await writeFile(path.join(setDir, 'test.jsonl'), `${QUESTIONS.map((q) => JSON.stringify(q)).join('\n')}\n`);
  ctl = await startTestController(keys, { admin: { token: TOKEN, defaultMetrics: false }, evaluation: { setDir, heartbeatMs: 200 } });
  // One word at 300 ms: a question takes ~0.3 s, long enough to act while one runs.
  worker = await startTestWorker(keys, { name: 'fake-eval', tokenDelayMs: 300, answer: () => 'circle', concurrency: 1 });
  await waitFor(async () => (await ctl.controller.registry.list()).some((w) => w.model === 'fake-eval' && w.state === 'ready'), 'the worker');
}, 30_000);

afterAll(async () => {
  await worker?.close().catch(() => undefined);
  await ctl?.close();
  await cleanup(redis);
  await redis.quit();
});

describe('evaluation runs', () => {
  it('start, stop, list and upload need the admin token; a run is read by its id without one', async () => {
    expect((await post('/api/evaluations', { models: ['fake-eval'] }, {})).status).toBe(401);
    expect((await fetch(`${ctl.url}/api/evaluations`)).status).toBe(401);
    expect((await fetch(`${ctl.url}/api/evaluations/sets`)).status).toBe(401);
    expect((await post('/api/evaluations/abcdefgh-1234/stop', {}, {})).status).toBe(401);
    const wrong = await post('/api/evaluations', { models: ['fake-eval'] }, { authorization: 'Bearer not-the-token-at-all-0000' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    expect((await fetch(`${ctl.url}/api/evaluations/abcdefgh-1234`)).status).toBe(404);
  });

  it('refuses what it cannot run with a typed error', async () => {
    const unknown = await post('/api/evaluations', { models: ['no-such-model'] });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('fake-eval') });
    const bad = await post('/api/evaluations', { models: [] });
    expect(bad.status).toBe(400);
    const badParams = await post('/api/evaluations', { models: ['fake-eval'], params: { temperature: 9 } });
    expect(((await badParams.json()) as { error: { message: string } }).error.message).toContain('temperature');
  });

  it('scores every answer with the scorer of mgm eval, keeps the run in Redis and a JSONL, and exports it', async () => {
    const res = await post('/api/evaluations', { models: ['fake-eval'] });
    expect(res.status).toBe(201);
    const { run } = (await res.json()) as { run: EvaluationRun };
    expect(run).toMatchObject({ status: 'running', questions: QUESTIONS.length, params: { temperature: 0 }, dtypes: { 'fake-eval': 'fp32' } });
    const done = await finished(run.id);
    expect(done.run.status).toBe('done');
    const expected = QUESTIONS.map((q) => ({ type: q.type, score: scoreAnswer(q.type, 'circle', q.answer) }));
    expect(done.results!.map((r) => [r.questionId, r.answer, r.finishReason, r.error?.code ?? null])).toEqual(QUESTIONS.map((q) => [q.id, 'circle', 'stop', null]));
    expect(done.summaries[0]!.score).toEqual(aggregate(expected));
    expect(done.summaries[0]).toMatchObject({ done: QUESTIONS.length, total: QUESTIONS.length, failures: 0 });
    expect(done.results!.map((r) => [r.questionId, r.answer])).toEqual(QUESTIONS.map((q) => [q.id, 'circle']));
    // The multi-turn question was asked with its history.
    const q3 = worker.model.calls.find((c) => c.messages.at(-1)?.content === 'What colour is the circle?')!;
    expect(q3.messages.map((m) => m.content)).toEqual(['How many?', '1', 'What colour is the circle?']);

    const wrongOnly = await snapshot(run.id, 'wrong');
    expect(wrongOnly.results!.map((r) => r.questionId)).toEqual(done.results!.filter((r) => r.score < 1).map((r) => r.questionId));
    const list = (await (await fetch(`${ctl.url}/api/evaluations`, { headers: auth })).json()) as { runs: EvaluationRun[] };
    expect(list.runs[0]!.id).toBe(run.id);

    const exported = await fetch(`${ctl.url}/api/evaluations/${run.id}/export`);
    expect(exported.headers.get('content-type')).toContain('ndjson');
    const lines = (await exported.text()).trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    expect(lines[0]).toMatchObject({ kind: 'run', run: { id: run.id, status: 'running' } });
    expect(lines.filter((l) => l.kind === 'result')).toHaveLength(QUESTIONS.length);
    expect(lines.at(-1)).toMatchObject({ kind: 'run', run: { status: 'done' } });
  });

  it('serves a chat question before the evaluation questions already waiting (priority)', async () => {
    const { run } = (await (await post('/api/evaluations', { models: ['fake-eval'] })).json()) as { run: EvaluationRun };
    // Wait until an evaluation question has just started: one runs, the next waits in the queue.
    const before = worker.model.calls.length;
    await waitFor(async () => worker.model.calls.length >= before + 2, 'two evaluation questions to start', 10_000);
    const socket = await openClient(ctl.url);
    const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', {
      messages: [{ role: 'user', content: 'a person asks while the run goes' }],
      models: ['fake-eval'],
      params: { temperature: 0 },
    });
    const startedBeforeChat = worker.model.calls.length;
    socket.disconnect();
    expect(ack.ok).toBe(true);
    await finished(run.id);
    const order = worker.model.calls.map((c) => c.messages.at(-1)?.content);
    // Next after the question that was running: the person's, not the evaluation's waiting one.
    expect(order.indexOf('a person asks while the run goes')).toBe(startedBeforeChat);
    expect(order.slice(startedBeforeChat + 1).length).toBeGreaterThan(0);
  });

  it('stops a run: no new question, the one being answered is cancelled, the status says stopped', async () => {
    const { run } = (await (await post('/api/evaluations', { models: ['fake-eval'] })).json()) as { run: EvaluationRun };
    await waitFor(async () => (await snapshot(run.id)).summaries[0]!.done >= 1, 'a first answer', 10_000);
    const stopped = await post(`/api/evaluations/${run.id}/stop`, {});
    expect(stopped.status).toBe(200);
    const done = await finished(run.id);
    expect(done.run.status).toBe('stopped');
    expect(done.summaries[0]!.done).toBeLessThan(QUESTIONS.length);
    expect(done.results!.every((r) => r.error === null)).toBe(true);
    const queued = await ctl.controller.dispatcher.queue('fake-eval').getJobCounts('waiting', 'prioritized', 'active');
    expect(queued).toMatchObject({ waiting: 0, prioritized: 0, active: 0 });
  });

  it('validates an uploaded question set with clear errors, then runs it', async () => {
    const upload = async (jsonl: string, images: Record<string, Buffer>): Promise<Response> => {
      const form = new FormData();
      form.set('name', 'my questions');
      form.set('questions', new Blob([jsonl]), 'mine.jsonl');
      for (const [name, bytes] of Object.entries(images)) form.append('images', new Blob([new Uint8Array(bytes)]), name);
      return fetch(`${ctl.url}/api/evaluations/sets`, { method: 'POST', headers: auth, body: form });
    };
    const good = { id: 'm1', image: 'pics/a.png', question: 'Which shape?', answer: 'circle', type: 'shape' };
    const png = makePng(16, 16, [0, 200, 0]);
    const errorOf = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: { code: string; message: string } }).error });

    expect(await errorOf(await upload(`${JSON.stringify(good)}\n{"id": 2`, { 'a.png': png }))).toEqual({
      status: 400,
      code: 'BAD_REQUEST',
      message: 'questions JSONL: line 2: not JSON',
    });
    expect(await errorOf(await upload(JSON.stringify({ ...good, question: '' }), { 'a.png': png }))).toMatchObject({ status: 400, message: expect.stringMatching(/^questions JSONL: line 1: question: /) });
    expect(await errorOf(await upload(JSON.stringify(good), {}))).toMatchObject({ status: 400, message: 'question 1 (id "m1") needs the image "pics/a.png", which was not uploaded' });
    expect(await errorOf(await upload(JSON.stringify(good), { 'a.png': Buffer.from('not an image') }))).toMatchObject({ status: 422, code: 'IMAGE_INVALID', message: expect.stringContaining('pics/a.png') });

    const ok = await upload(`${JSON.stringify(good)}\n${JSON.stringify({ ...good, id: 'm2', answer: 'square' })}\n`, { 'a.png': png });
    expect(ok.status).toBe(201);
    const { set } = (await ok.json()) as { set: { id: string; name: string; size: number; types: Record<string, number> } };
    expect(set).toMatchObject({ kind: 'uploaded', name: 'my questions', size: 2, types: { shape: 2 } });
    const sets = (await (await fetch(`${ctl.url}/api/evaluations/sets`, { headers: auth })).json()) as { sets: Array<{ kind: string; size: number }> };
    expect(sets.sets.map((s) => [s.kind, s.size])).toEqual([['shipped', QUESTIONS.length], ['uploaded', 2]]);

    const { run } = (await (await post('/api/evaluations', { models: ['fake-eval'], set: { kind: 'uploaded', id: set.id }, limit: 1 })).json()) as { run: EvaluationRun };
    expect(run.set).toMatchObject({ kind: 'uploaded', name: 'my questions', size: 2 });
    const done = await finished(run.id);
    expect(done.results!.map((r) => [r.questionId, r.score])).toEqual([['m1', 1]]);
  });

  // Last: it takes the worker away.
  it('ends a run as failed, naming the model, when the model loses its last worker', async () => {
    const { run } = (await (await post('/api/evaluations', { models: ['fake-eval'] })).json()) as { run: EvaluationRun };
    await waitFor(async () => (await snapshot(run.id)).summaries[0]!.done >= 1, 'a first answer', 10_000);
    await worker.close();
    const done = await finished(run.id);
    expect(done.run.status).toBe('failed');
    expect(done.run.reason).toBe('no worker serves fake-eval any more: the rest of its questions were not asked');
    expect(done.summaries[0]!.done).toBeLessThan(QUESTIONS.length);
  });
});
