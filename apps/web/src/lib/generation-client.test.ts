import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientFrame, ClientToServerEvents, ResumeRequest, ServerToClientEvents } from '@mgm/protocol';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { GenerationClient } from './generation-client.ts';

interface Harness {
  url: string;
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  frames: Map<string, ClientFrame[]>;
  resumes: ResumeRequest[];
  close: () => Promise<void>;
}

/** A socket.io server that answers like the controller: ack, frames to the request's room, resume from a stored stream. */
async function startServer(onGenerate: (harness: Harness, socketId: string, ack: (jobId: string) => void) => void): Promise<Harness> {
  const server = http.createServer();
  const ioServer = new Server<ClientToServerEvents, ServerToClientEvents>(server);
  const harness: Harness = { url: '', io: ioServer, frames: new Map(), resumes: [], close: async () => void (await ioServer.close()) };
  ioServer.on('connection', (socket) => {
    socket.on('generate', (_request, ack) => {
      void socket.join('r1');
      onGenerate(harness, socket.id, (jobId) => ack({ ok: true, requestId: 'r1', jobs: [{ jobId, model: 'mgm-tiny' }] }));
    });
    socket.on('resume', (request, ack) => {
      harness.resumes.push(request);
      void socket.join('r1');
      ack({ ok: true, jobId: request.jobId, requestId: 'r1', model: 'mgm-tiny' });
      for (const frame of harness.frames.get(request.jobId) ?? []) if (frame.seq > request.afterSeq) socket.emit('frame', frame);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  harness.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return harness;
}

function publish(harness: Harness, frame: ClientFrame): void {
  harness.frames.set(frame.jobId, [...(harness.frames.get(frame.jobId) ?? []), frame]);
  harness.io.to('r1').emit('frame', frame);
}

const base = { jobId: 'j1', requestId: 'r1', model: 'mgm-tiny' };
const endFrame = (seq: number, text: string): ClientFrame => ({
  ...base,
  seq,
  type: 'end',
  finishReason: 'stop',
  text,
  tokens: { prompt: 40, visual: 36, generated: 3 },
  timingsMs: { queue: 1, preprocess: 1, vision: 1, prefill: 1, ttft: 5, decode: 5, total: 10 },
  tokensPerSecond: 300,
});

function waitFor(client: GenerationClient, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate()) return resolve();
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error('timed out waiting for the client state'));
    }, timeoutMs);
    const unsubscribe = client.subscribe(() => {
      if (predicate()) {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
  });
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function connect(url: string): GenerationClient {
  const client = new GenerationClient(io(url, { transports: ['websocket'], reconnectionDelay: 20, reconnectionDelayMax: 50 }));
  cleanups.push(() => client.close());
  return client;
}

describe('GenerationClient', () => {
  it('keeps frames that arrive before the ack', async () => {
    const harness = await startServer((h, _socketId, ack) => {
      publish(h, { ...base, seq: 0, type: 'start', workerId: 'w1', queueMs: 2 });
      publish(h, { ...base, seq: 1, type: 'delta', text: 'tri' });
      ack('j1');
      publish(h, { ...base, seq: 2, type: 'delta', text: 'angle' });
      publish(h, endFrame(3, 'triangle'));
    });
    cleanups.push(harness.close);
    const client = connect(harness.url);
    const started = await client.generate({ messages: [{ role: 'user', content: 'Which shape is red?' }], models: ['mgm-tiny'] });
    expect(started.jobs).toEqual([{ jobId: 'j1', model: 'mgm-tiny' }]);
    await waitFor(client, () => client.getSnapshot().jobs.j1?.status === 'done');
    expect(client.getSnapshot().jobs.j1).toMatchObject({ text: 'triangle', workerId: 'w1', lastSeq: 3 });
  });

  it('resumes after a dropped connection from the last seq it saw: nothing lost, nothing twice', async () => {
    let serverSocketId = '';
    const harness = await startServer((h, socketId, ack) => {
      serverSocketId = socketId;
      ack('j1');
      publish(h, { ...base, seq: 0, type: 'start', workerId: 'w1', queueMs: 2 });
      publish(h, { ...base, seq: 1, type: 'delta', text: 'bottom' });
    });
    cleanups.push(harness.close);
    const client = connect(harness.url);
    await client.generate({ messages: [{ role: 'user', content: 'Where is the circle?' }], models: ['mgm-tiny'] });
    await waitFor(client, () => client.getSnapshot().jobs.j1?.lastSeq === 1);

    // Drop the transport (the client reconnects by itself); the frames sent meanwhile are missed.
    harness.io.sockets.sockets.get(serverSocketId)?.conn.close();
    await waitFor(client, () => !client.getSnapshot().connected);
    publish(harness, { ...base, seq: 2, type: 'delta', text: ' left' });
    publish(harness, endFrame(3, 'bottom left'));

    await waitFor(client, () => client.getSnapshot().jobs.j1?.status === 'done');
    expect(harness.resumes).toEqual([{ jobId: 'j1', afterSeq: 1 }]);
    expect(client.getSnapshot().jobs.j1?.text).toBe('bottom left');
  });

  it('refuses a conversation above the socket limit itself, with a clear error, instead of losing the connection', async () => {
    let received = 0;
    const harness = await startServer(() => {
      received += 1;
    });
    cleanups.push(harness.close);
    const client = connect(harness.url);
    await waitFor(client, () => client.getSnapshot().connected);
    const started = await client.generate({ messages: [{ role: 'user', content: 'x'.repeat(1_200_000) }], models: ['mgm-tiny'] });
    const job = client.getSnapshot().jobs[started.jobs[0]!.jobId];
    expect(job).toMatchObject({ status: 'error', error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('the limit is 512 KiB') } });
    expect(received).toBe(0);
    expect(client.getSnapshot().connected).toBe(true);
  });

  it('turns a refused request into a failed answer that says why', async () => {
    const server = http.createServer();
    const ioServer = new Server<ClientToServerEvents, ServerToClientEvents>(server);
    ioServer.on('connection', (socket) => {
      socket.on('generate', (_request, ack) => ack({ ok: false, error: { code: 'NO_WORKER', message: 'No worker hosts mgm-tiny.' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => void (await ioServer.close()));
    const client = connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const started = await client.generate({ messages: [{ role: 'user', content: 'hi' }], models: ['mgm-tiny'] });
    const job = client.getSnapshot().jobs[started.jobs[0]!.jobId];
    expect(job).toMatchObject({ status: 'error', error: { code: 'NO_WORKER', message: 'No worker hosts mgm-tiny.' } });
  });
});
