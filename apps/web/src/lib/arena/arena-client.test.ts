import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ARENA_NAMESPACE,
  type ArenaClientToServerEvents,
  type ArenaFrame,
  type ArenaResume,
  type ArenaServerToClientEvents,
} from '@mgm/protocol';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ArenaClient } from './arena-client.ts';
import { applyArenaFrame, queuedAnswer, voteBlocker, type ArenaBattleView } from './arena-state.ts';

const reveal = {
  a: { model: 'mgm-tiny', displayName: 'MGM Tiny', workerId: 'w1', finishReason: 'stop' as const, tokens: { prompt: 1, visual: 1, generated: 1 }, timingsMs: { queue: 1, preprocess: 1, vision: 1, prefill: 1, ttft: 1, decode: 1, total: 1 }, tokensPerSecond: 1 },
  b: { model: 'llava-tiny', displayName: 'LLaVA Tiny', workerId: 'w2', finishReason: 'stop' as const, tokens: { prompt: 1, visual: 1, generated: 1 }, timingsMs: { queue: 1, preprocess: 1, vision: 1, prefill: 1, ttft: 1, decode: 1, total: 1 }, tokensPerSecond: 1 },
};

interface Harness {
  url: string;
  socket: () => ServerSocket<ArenaClientToServerEvents, ArenaServerToClientEvents>;
  resumes: ArenaResume[];
  close: () => Promise<void>;
}

/** An arena namespace that answers like the controller: ack first, then frames. */
async function startArena(): Promise<Harness> {
  const server = http.createServer();
  const ioServer = new Server(server);
  let current: ServerSocket<ArenaClientToServerEvents, ArenaServerToClientEvents> | null = null;
  const resumes: ArenaResume[] = [];
  const namespace = ioServer.of(ARENA_NAMESPACE) as unknown as import('socket.io').Namespace<ArenaClientToServerEvents, ArenaServerToClientEvents>;
  let turn = 0;
  namespace.on('connection', (socket) => {
    current = socket;
    socket.on('ask', (request, ack) => {
      if (request.question === 'refuse') return ack({ ok: false, error: { code: 'NO_WORKER', message: 'the arena needs two models' } });
      ack({ ok: true, battleId: 'battle-1234', turn, attempt: 0 });
      turn += 1;
    });
    socket.on('regenerate', (_request, ack) => ack({ ok: true, battleId: 'battle-1234', turn: turn - 1, attempt: 1 }));
    socket.on('stop', (_request, ack) => ack({ ok: true, battleId: 'battle-1234', turn: turn - 1, attempt: 0 }));
    socket.on('resume', (request, ack) => {
      resumes.push(request);
      ack({ ok: true });
    });
    socket.on('vote', (_request, ack) => ack({ ok: true, vote: { id: 'v1', counted: true, notCountedReason: null }, reveal }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    socket: () => current!,
    resumes,
    close: async () => void (await ioServer.close()),
  };
}

function waitFor(client: ArenaClient, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate()) return resolve();
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out: ${JSON.stringify(client.getSnapshot().battle)}`));
    }, timeoutMs);
    const unsubscribe = client.subscribe(() => {
      if (!predicate()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}

const frame = (turn: number, side: 'a' | 'b', seq: number, rest: Partial<ArenaFrame> & Pick<ArenaFrame, 'type'>, attempt = 0): ArenaFrame =>
  ({ battleId: 'battle-1234', turn, attempt, side, seq, ...rest }) as ArenaFrame;

let harness: Harness | undefined;
let client: ArenaClient | undefined;

afterEach(async () => {
  client?.close();
  await harness?.close();
});

async function connected(): Promise<{ harness: Harness; client: ArenaClient }> {
  harness = await startArena();
  client = new ArenaClient(io(`${harness.url}${ARENA_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnectionDelay: 20, reconnectionDelayMax: 50 }));
  await waitFor(client, () => client!.getSnapshot().connected);
  return { harness, client };
}

describe('ArenaClient', () => {
  it('asks, streams both sides, votes and gets the names', async () => {
    const { harness, client } = await connected();
    expect(await client.ask({ question: 'What does the small text say?' })).toBe(true);
    expect(client.getSnapshot().battle).toMatchObject({ battleId: 'battle-1234', pending: null, turns: [{ question: 'What does the small text say?', attempt: 0 }] });
    expect(voteBlocker(client.getSnapshot().battle)).toBe('Vote when both answers have finished.');

    const socket = harness.socket();
    socket.emit('frame', frame(0, 'a', 0, { type: 'start' }));
    socket.emit('frame', frame(0, 'a', 2, { type: 'end', finishReason: 'stop', text: '170' }));
    socket.emit('frame', frame(0, 'a', 1, { type: 'delta', text: '170' }));
    socket.emit('frame', frame(0, 'b', 0, { type: 'start' }));
    socket.emit('frame', frame(0, 'b', 1, { type: 'end', finishReason: 'stop', text: '17' }));
    socket.emit('frame', frame(0, 'b', 1, { type: 'delta', text: 'stale' }, 5));
    await waitFor(client, () => voteBlocker(client.getSnapshot().battle) === null);
    const [turn] = client.getSnapshot().battle.turns;
    expect(turn!.answers.a).toMatchObject({ status: 'done', text: '170' });
    expect(turn!.answers.b).toMatchObject({ status: 'done', text: '17' });

    await client.vote('a');
    expect(client.getSnapshot().battle.vote).toEqual({ verdict: 'a', result: { id: 'v1', counted: true, notCountedReason: null }, reveal });
    expect(voteBlocker(client.getSnapshot().battle)).toMatch(/new round/);
    expect(await client.ask({ question: 'more?' })).toBe(false);

    client.newRound();
    expect(client.getSnapshot().battle).toEqual({ battleId: null, turns: [], pending: null, vote: null, error: null });
  });

  it('shows a refused question as an error and drops it', async () => {
    const { client } = await connected();
    expect(await client.ask({ question: 'refuse' })).toBe(false);
    expect(client.getSnapshot().battle).toMatchObject({ battleId: null, turns: [], error: { code: 'NO_WORKER' } });
  });

  it('regenerates under the new attempt and ignores frames of the old one', async () => {
    const { harness, client } = await connected();
    await client.ask({ question: 'q' });
    const socket = harness.socket();
    for (const side of ['a', 'b'] as const) socket.emit('frame', frame(0, side, 0, { type: 'end', finishReason: 'stop', text: 'first' }));
    await waitFor(client, () => voteBlocker(client.getSnapshot().battle) === null);
    await client.regenerate();
    expect(client.getSnapshot().battle.turns[0]).toMatchObject({ attempt: 1, answers: { a: { status: 'queued', text: '' } } });
    socket.emit('frame', frame(0, 'a', 1, { type: 'delta', text: 'old' }, 0));
    socket.emit('frame', frame(0, 'a', 0, { type: 'delta', text: 'new' }, 1));
    await waitFor(client, () => client.getSnapshot().battle.turns[0]!.answers.a.text === 'new');
  });

  it('resumes unfinished answers after a reconnect from the last seq applied', async () => {
    const { harness, client } = await connected();
    await client.ask({ question: 'q' });
    harness.socket().emit('frame', frame(0, 'a', 0, { type: 'start' }));
    harness.socket().emit('frame', frame(0, 'a', 1, { type: 'delta', text: 'x' }));
    await waitFor(client, () => client.getSnapshot().battle.turns[0]!.answers.a.lastSeq === 1);
    // Drop the transport (the client reconnects by itself).
    harness.socket().conn.close();
    for (let i = 0; i < 200 && harness.resumes.length < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(harness.resumes).toEqual(
      expect.arrayContaining([
        { battleId: 'battle-1234', turn: 0, attempt: 0, side: 'a', afterSeq: 1 },
        { battleId: 'battle-1234', turn: 0, attempt: 0, side: 'b', afterSeq: -1 },
      ]),
    );
  });
});

describe('applyArenaFrame', () => {
  it('applies frames in seq order once, restarting the text on a handoff', () => {
    let answer = queuedAnswer(0);
    answer = applyArenaFrame(answer, frame(0, 'a', 1, { type: 'delta', text: 'b' }), 1);
    expect(answer.text).toBe('');
    answer = applyArenaFrame(answer, frame(0, 'a', 0, { type: 'delta', text: 'a' }), 1);
    expect(answer.text).toBe('ab');
    answer = applyArenaFrame(answer, frame(0, 'a', 1, { type: 'delta', text: 'b' }), 1);
    expect(answer.text).toBe('ab');
    answer = applyArenaFrame(answer, frame(0, 'a', 2, { type: 'start' }), 1);
    expect(answer.text).toBe('');
    answer = applyArenaFrame(answer, frame(0, 'a', 3, { type: 'error', code: 'CANCELLED', message: 'stopped' }), 2);
    expect(answer).toMatchObject({ status: 'stopped', finishReason: 'abort', finishedAt: 2 });
  });

  it('blocks the vote on a failed answer', () => {
    const failed = { ...queuedAnswer(0), status: 'error' as const };
    const battle: ArenaBattleView = {
      battleId: 'battle-1234',
      turns: [{ question: 'q', attempt: 0, answers: { a: failed, b: { ...queuedAnswer(0), status: 'done' } } }],
      pending: null,
      vote: null,
      error: null,
    };
    expect(voteBlocker(battle)).toBe('An answer failed: regenerate to vote.');
  });
});
