import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  ArenaClientToServerEvents,
  ArenaFrame,
  ArenaServerToClientEvents,
  ArenaVoteAck,
  GenerateAck,
  LeaderboardResponse,
  RedisKeys,
  VoteRecord,
} from '@mgm/protocol';
import { connect, startTestWorker, testNamespace, waitFor, type TestWorker } from '@mgm/worker/testing';
import { makePng } from './make-png.ts';
import { framesUntilEnd, openClient, startTestController, type ClientSocket, type TestController } from './test-controller.ts';

type ArenaSocket = Socket<ArenaServerToClientEvents, ArenaClientToServerEvents>;

let redis: Redis;
let keys: RedisKeys;
let cleanup: (redis: Redis) => Promise<void>;
const controllers: TestController[] = [];
const workers: TestWorker[] = [];
const sockets: Array<{ disconnect: () => unknown }> = [];

beforeEach(() => {
  redis = connect();
  ({ keys, cleanup } = testNamespace('arena'));
});

afterEach(async () => {
  sockets.splice(0).forEach((s) => s.disconnect());
  await Promise.all(workers.splice(0).map((w) => w.close()));
  await Promise.all(controllers.splice(0).map((c) => c.close()));
  await cleanup(redis);
  await redis.quit();
});

async function controller(options: Parameters<typeof startTestController>[1] = {}): Promise<TestController> {
  const ctl = await startTestController(keys, options);
  controllers.push(ctl);
  return ctl;
}

async function worker(name: string, options: Parameters<typeof startTestWorker>[1] = {}): Promise<TestWorker> {
  const w = await startTestWorker(keys, { name, workerId: `${name}-worker-1`, ...options });
  workers.push(w);
  return w;
}

/** An arena connection that keeps every frame it receives. */
async function arenaClient(url: string): Promise<{ socket: ArenaSocket; frames: ArenaFrame[] }> {
  const socket: ArenaSocket = connectSocket(`${url}/arena`, { transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  const frames: ArenaFrame[] = [];
  socket.on('frame', (frame) => frames.push(frame));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, frames };
}

function ended(frames: ArenaFrame[], turn: number, attempt = 0): Promise<ArenaFrame[]> {
  return waitFor(() => {
    const terminal = frames.filter((f) => f.turn === turn && f.attempt === attempt && (f.type === 'end' || f.type === 'error'));
    return Promise.resolve(terminal.length === 2 ? terminal : undefined);
  }, `both answers of turn ${turn} attempt ${attempt}`);
}

async function readVotes(ctl: TestController): Promise<VoteRecord[]> {
  const text = await readFile(path.join(ctl.dataDir, 'votes.jsonl'), 'utf8');
  return text.trim().split('\n').map((line) => JSON.parse(line) as VoteRecord);
}

const names = ['alpha', 'beta', 'gamma'];

describe('arena', () => {
  it('streams two anonymous answers per question, keeps each side its own history, takes one vote and reveals the models', async () => {
    const ctl = await controller();
    const fakes = await Promise.all(names.map((name) => worker(name)));
    const { socket, frames } = await arenaClient(ctl.url);
    const acks: unknown[] = [];

    const first = await socket.timeout(5000).emitWithAck('ask', { question: 'what is red', params: { temperature: 0 } });
    acks.push(first);
    if (!first.ok) throw new Error(first.error.message);
    expect(first).toEqual({ ok: true, battleId: expect.any(String), turn: 0, attempt: 0 });
    const firstEnds = await ended(frames, 0);
    expect(firstEnds.map((f) => f.type)).toEqual(['end', 'end']);
    expect(new Set(firstEnds.map((f) => f.side))).toEqual(new Set(['a', 'b']));
    for (const side of ['a', 'b'] as const) {
      const mine = frames.filter((f) => f.side === side && f.turn === 0);
      expect(mine.map((f) => f.seq)).toEqual(mine.map((_, i) => i));
      expect(mine.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop', text: 'answer to what is red' });
    }

    const second = await socket.timeout(5000).emitWithAck('ask', { battleId: first.battleId, question: 'and blue?' });
    acks.push(second);
    expect(second).toMatchObject({ ok: true, turn: 1, attempt: 0 });
    await ended(frames, 1);

    // Nothing received so far names a model or a worker.
    const seen = JSON.stringify([frames, acks]).toLowerCase();
    for (const name of names) expect(seen).not.toContain(name);

    const asked = fakes.filter((fake) => fake.model.calls.length > 0);
    expect(asked).toHaveLength(2);
    for (const fake of asked) {
      expect(fake.model.calls.map((call) => call.messages)).toEqual([
        [{ role: 'user', content: 'what is red' }],
        [
          { role: 'user', content: 'what is red' },
          { role: 'assistant', content: 'answer to what is red' },
          { role: 'user', content: 'and blue?' },
        ],
      ]);
      // The client asked for greedy decoding; the arena samples with its own parameters (FastChat's).
      expect(fake.model.calls[0]!.params).toMatchObject({ temperature: 0.7, topP: 1 });
      expect(fake.model.calls[0]!.params.seed).toBeUndefined();
    }

    const vote: ArenaVoteAck = await socket.timeout(5000).emitWithAck('vote', { battleId: first.battleId, verdict: 'a' });
    if (!vote.ok) throw new Error(vote.error.message);
    expect(vote.vote).toEqual({ id: expect.any(String), counted: true, notCountedReason: null });
    const revealed = [vote.reveal.a.model, vote.reveal.b.model];
    expect(new Set(revealed)).toEqual(new Set(asked.map((fake) => fake.model.info.name)));
    expect(vote.reveal.a).toMatchObject({ displayName: vote.reveal.a.model.toUpperCase(), workerId: expect.stringMatching(/^w-[0-9a-f]{10}$/), finishReason: 'stop' });
    // The reveal names the model, not where it ran: the worker id (host, pid) stays in the admin export.
    expect(vote.reveal.a.workerId).not.toContain('worker-1');

    const [record] = await readVotes(ctl);
    expect(record).toMatchObject({
      id: vote.vote.id,
      mode: 'arena',
      battleId: first.battleId,
      blind: true,
      counted: true,
      choice: { type: 'pane', pane: 0 },
      turns: 2,
      panes: [
        { label: 'A', model: revealed[0], answer: 'answer to and blue?', finishReason: 'stop', imageHash: null },
        { label: 'B', model: revealed[1], answer: 'answer to and blue?', finishReason: 'stop', imageHash: null },
      ],
    });
    expect(record!.panes[0]!.messages).toHaveLength(3);

    const again = await socket.timeout(5000).emitWithAck('vote', { battleId: first.battleId, verdict: 'b' });
    expect(again).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/already been voted/) } });
    const after = await socket.timeout(5000).emitWithAck('ask', { battleId: first.battleId, question: 'more?' });
    expect(after).toMatchObject({ ok: false, error: { message: expect.stringMatching(/already been voted/) } });

    const board = (await (await fetch(`${ctl.url}/api/leaderboard`)).json()) as LeaderboardResponse;
    expect(board.votes).toMatchObject({ total: 1, counted: 1, named: 0 });
    expect(board.models.map((m) => m.model)).toEqual(revealed);
    expect(board.models[0]).toMatchObject({ battles: 1, wins: 1, winRate: 1 });
    expect(board.models[0]!.rating).toBeGreaterThan(board.models[1]!.rating);
  });

  it('refuses a vote while an answer is being written, and records a vote on stopped answers as not counted', async () => {
    const ctl = await controller();
    const long = () => Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    await worker('alpha', { tokenDelayMs: 100, answer: long });
    await worker('beta', { tokenDelayMs: 100, answer: long });
    const { socket, frames } = await arenaClient(ctl.url);
    const ask = await socket.timeout(5000).emitWithAck('ask', { question: 'talk' });
    if (!ask.ok) throw new Error(ask.error.message);
    await waitFor(() => Promise.resolve(frames.some((f) => f.type === 'delta')), 'a first token');

    const early = await socket.timeout(5000).emitWithAck('vote', { battleId: ask.battleId, verdict: 'tie' });
    expect(early).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/still being written/) } });
    const followUp = await socket.timeout(5000).emitWithAck('ask', { battleId: ask.battleId, question: 'more' });
    expect(followUp).toMatchObject({ ok: false, error: { message: expect.stringMatching(/wait until both answers/) } });

    expect(await socket.timeout(5000).emitWithAck('stop', { battleId: ask.battleId })).toMatchObject({ ok: true, turn: 0 });
    const ends = await ended(frames, 0);
    expect(ends.map((f) => (f.type === 'end' ? f.finishReason : f.type))).toEqual(['abort', 'abort']);

    const vote = await socket.timeout(5000).emitWithAck('vote', { battleId: ask.battleId, verdict: 'tie' });
    expect(vote).toMatchObject({ ok: true, vote: { counted: false, notCountedReason: 'an answer was stopped before it finished' } });
    const board = (await (await fetch(`${ctl.url}/api/leaderboard`)).json()) as LeaderboardResponse;
    expect(board.votes).toMatchObject({ total: 1, counted: 0, notCounted: [{ reason: 'an answer was stopped before it finished', count: 1 }] });
    expect(board.models).toEqual([]);
  });

  it('regenerates both answers of the last question under a new attempt', async () => {
    const ctl = await controller();
    const fakes = [await worker('alpha'), await worker('beta')];
    const { socket, frames } = await arenaClient(ctl.url);
    const ask = await socket.timeout(5000).emitWithAck('ask', { question: 'what is red' });
    if (!ask.ok) throw new Error(ask.error.message);
    await ended(frames, 0, 0);
    const again = await socket.timeout(5000).emitWithAck('regenerate', { battleId: ask.battleId });
    expect(again).toEqual({ ok: true, battleId: ask.battleId, turn: 0, attempt: 1 });
    await ended(frames, 0, 1);
    for (const fake of fakes) expect(fake.model.calls.map((call) => call.messages)).toEqual([[{ role: 'user', content: 'what is red' }], [{ role: 'user', content: 'what is red' }]]);
    const vote = await socket.timeout(5000).emitWithAck('vote', { battleId: ask.battleId, verdict: 'both-bad' });
    expect(vote).toMatchObject({ ok: true, vote: { counted: true } });
    const [record] = await readVotes(ctl);
    expect(record).toMatchObject({ choice: { type: 'all-bad' }, turns: 1 });
  });

  it('resumes one side of a turn after a reconnect, from the seq after the last one seen', async () => {
    const ctl = await controller();
    await worker('alpha');
    await worker('beta');
    const { socket, frames } = await arenaClient(ctl.url);
    const ask = await socket.timeout(5000).emitWithAck('ask', { question: 'one two three four' });
    if (!ask.ok) throw new Error(ask.error.message);
    await ended(frames, 0);
    socket.disconnect();

    const later = await arenaClient(ctl.url);
    const resumed = await later.socket.timeout(5000).emitWithAck('resume', { battleId: ask.battleId, turn: 0, attempt: 0, side: 'b', afterSeq: 1 });
    expect(resumed).toEqual({ ok: true });
    const rest = await waitFor(() => Promise.resolve(later.frames.some((f) => f.type === 'end') ? later.frames : undefined), 'the resumed frames');
    const original = frames.filter((f) => f.side === 'b');
    expect(rest).toEqual(original.filter((f) => f.seq > 1));
    const stale = await later.socket.timeout(5000).emitWithAck('resume', { battleId: ask.battleId, turn: 0, attempt: 3, side: 'a', afterSeq: -1 });
    expect(stale).toMatchObject({ ok: false, error: { code: 'JOB_NOT_FOUND' } });
  });

  it('draws only models with a positive weight, and needs two of them', async () => {
    const ctl = await controller({ arenaWeights: { gamma: 0 } });
    await Promise.all(names.map((name) => worker(name)));
    const { socket, frames } = await arenaClient(ctl.url);
    const ask = await socket.timeout(5000).emitWithAck('ask', { question: 'q' });
    if (!ask.ok) throw new Error(ask.error.message);
    await ended(frames, 0);
    const vote = await socket.timeout(5000).emitWithAck('vote', { battleId: ask.battleId, verdict: 'b' });
    if (!vote.ok) throw new Error(vote.error.message);
    expect(new Set([vote.reveal.a.model, vote.reveal.b.model])).toEqual(new Set(['alpha', 'beta']));

    await Promise.all(workers.filter((w) => w.model.info.name !== 'gamma').map((w) => w.close()));
    workers.splice(0, workers.length, ...workers.filter((w) => w.model.info.name === 'gamma'));
    await waitFor(async () => (await ctl.controller.registry.list()).length === 1, 'the other workers to leave');
    const lonely = await socket.timeout(5000).emitWithAck('ask', { question: 'q' });
    expect(lonely).toMatchObject({ ok: false, error: { code: 'NO_WORKER', message: expect.stringMatching(/none is being served/) } });
  });

  it('refuses bad requests with a clear error', async () => {
    const ctl = await controller();
    const { socket } = await arenaClient(ctl.url);
    expect(await socket.timeout(5000).emitWithAck('ask', { question: '   ' } as never)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/question is empty/) },
    });
    expect(await socket.timeout(5000).emitWithAck('vote', { battleId: 'no-such-battle', verdict: 'a' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/over or expired/) },
    });
    expect(await socket.timeout(5000).emitWithAck('vote', { battleId: 'x', verdict: 'left' } as never)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});

describe('compare votes and the vote file', () => {
  async function generate(socket: ClientSocket, request: unknown): Promise<Extract<GenerateAck, { ok: true }>> {
    const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', request as never);
    if (!ack.ok) throw new Error(ack.error.message);
    return ack;
  }

  it('records a compare vote with models, params, image hash, answers and timings read from the jobs', async () => {
    const ctl = await controller();
    await Promise.all(names.map((name) => worker(name)));
    const upload = await fetch(`${ctl.url}/api/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: makePng(20, 20, [0, 128, 0]) });
    const { imageId } = (await upload.json()) as { imageId: string };
    const socket = await openClient(ctl.url);
    sockets.push(socket);
    const ack = await generate(socket, { messages: [{ role: 'user', content: 'colour?' }], models: names, imageId, params: { temperature: 0.5, maxNewTokens: 64 } });
    const jobIds = ack.jobs.map((job) => job.jobId);
    await framesUntilEnd(socket, jobIds);

    const post = (body: unknown) => fetch(`${ctl.url}/api/votes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const response = await post({ jobIds: [...jobIds].reverse(), choice: { type: 'pane', pane: 2 } });
    expect(response.status).toBe(201);
    const result = (await response.json()) as { id: string; counted: boolean };
    expect(result).toMatchObject({ counted: false });
    // The same vote again on the same answers is recorded once.
    for (let i = 0; i < 3; i += 1) {
      const again = await post({ jobIds: [...jobIds].reverse(), choice: { type: 'pane', pane: 2 } });
      expect(((await again.json()) as { id: string }).id).toBe(result.id);
    }
    expect(await readVotes(ctl)).toHaveLength(1);

    const [record] = await readVotes(ctl);
    expect(record).toMatchObject({ id: result.id, mode: 'compare', blind: false, counted: false, battleId: null, choice: { type: 'pane', pane: 2 }, turns: 1 });
    expect(record!.panes.map((pane) => [pane.label, pane.model])).toEqual([
      ['A', 'gamma'],
      ['B', 'beta'],
      ['C', 'alpha'],
    ]);
    for (const pane of record!.panes) {
      expect(pane).toMatchObject({
        messages: [{ role: 'user', content: 'colour?' }],
        answer: expect.stringMatching(/^answer to colour\? \[image \d+ bytes\]$/),
        imageHash: imageId,
        params: { temperature: 0.5, maxNewTokens: 64 },
        workerId: `${pane.model}-worker-1`,
        finishReason: 'stop',
        tokens: { generated: expect.any(Number) },
        timingsMs: { ttft: expect.any(Number) },
      });
    }

    expect((await post({ jobIds: jobIds.slice(0, 2), choice: { type: 'pane', pane: 2 } })).status).toBe(400);
    expect((await post({ jobIds: [jobIds[0], 'missing-job'], choice: { type: 'tie' } })).status).toBe(404);
    const bad = await fetch(`${ctl.url}/api/votes`, { method: 'POST', body: '{nope' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
    expect((await fetch(`${ctl.url}/api/votes`)).status).toBe(405);

    const board = (await (await fetch(`${ctl.url}/api/leaderboard`)).json()) as LeaderboardResponse;
    expect(board.votes).toMatchObject({ total: 1, counted: 0, named: 1 });
  });

  it('refuses a compare vote while an answer is still being written', async () => {
    const ctl = await controller();
    await worker('alpha', { tokenDelayMs: 200 });
    await worker('beta', { tokenDelayMs: 200 });
    const socket = await openClient(ctl.url);
    sockets.push(socket);
    const ack = await generate(socket, { messages: [{ role: 'user', content: 'one two three four five six' }], models: ['alpha', 'beta'] });
    const response = await fetch(`${ctl.url}/api/votes`, {
      method: 'POST',
      body: JSON.stringify({ jobIds: ack.jobs.map((job) => job.jobId), choice: { type: 'tie' } }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/still being written/);
  });

  it('keeps the votes across a controller restart and exports them as JSONL (admin only)', async () => {
    const admin = { token: 'arena-test-admin-token-0123456789' };
    const bearer = { headers: { authorization: `Bearer ${admin.token}` } };
    const first = await controller({ admin });
    await worker('alpha');
    await worker('beta');
    const { socket, frames } = await arenaClient(first.url);
    const ask = await socket.timeout(5000).emitWithAck('ask', { question: 'q' });
    if (!ask.ok) throw new Error(ask.error.message);
    await ended(frames, 0);
    const vote = await socket.timeout(5000).emitWithAck('vote', { battleId: ask.battleId, verdict: 'a' });
    if (!vote.ok) throw new Error(vote.error.message);
    // Without the token the export answers 401 and shows nothing (it holds everyone's conversations).
    const anonymous = await fetch(`${first.url}/api/votes/export`);
    expect(anonymous.status).toBe(401);
    const refused = await anonymous.text();
    expect(refused).toContain('UNAUTHORIZED');
    expect(refused).not.toContain(vote.vote.id);
    const exported = await (await fetch(`${first.url}/api/votes/export`, bearer)).text();
    await first.close();
    controllers.splice(controllers.indexOf(first), 1);

    const second = await controller({ dataDir: first.dataDir, admin });
    const board = (await (await fetch(`${second.url}/api/leaderboard`)).json()) as LeaderboardResponse;
    expect(board.votes).toMatchObject({ total: 1, counted: 1 });
    expect(board.models.map((m) => m.model)).toEqual([vote.reveal.a.model, vote.reveal.b.model]);
    const response = await fetch(`${second.url}/api/votes/export`, bearer);
    expect(response.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="votes.jsonl"/);
    const text = await response.text();
    expect(text).toBe(exported);
    expect(JSON.parse(text.trim())).toMatchObject({ id: vote.vote.id, mode: 'arena' });
    expect(JSON.parse(text.trim())).toMatchObject({ panes: [{ workerId: expect.stringMatching(/-worker-1$/) }, {}] });
    expect(await (await fetch(`${second.url}/api/votes/export?mode=compare`, bearer)).text()).toBe('');
    expect((await fetch(`${second.url}/api/votes/export?mode=other`, bearer)).status).toBe(400);
    expect((await fetch(`${second.url}/api/votes/export?mode=compare`)).status).toBe(401);
  });
});
