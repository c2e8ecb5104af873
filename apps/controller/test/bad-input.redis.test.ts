import { connect as connectTcp } from 'node:net';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_CONVERSATION_BYTES, SOCKET_MAX_PAYLOAD_BYTES, type GenerateAck, type RedisKeys } from '@mgm/protocol';
import { startTestWorker, type TestWorker } from '@mgm/worker/testing';
import { makePng } from './make-png.ts';
import { type ControllerTestStack, startControllerTestStack, stopControllerTestStack } from './controller-test-stack.ts';
import { openClient, type ClientSocket, type TestController } from './test-controller.ts';

let stack: ControllerTestStack;
let redis: Redis;
let keys: RedisKeys;
let ctl: TestController;
const workers: TestWorker[] = [];
const sockets: ClientSocket[] = [];

beforeEach(async () => {
  stack = await startControllerTestStack('bad-input', { maxUploadBytes: 1024 * 1024 });
  ({ redis, keys, ctl } = stack);
});

afterEach(() => stopControllerTestStack(stack, { sockets, workers }));

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, ...body.error };
}

/**
 * Sends a body the way curl does (headers, then the body in 64 KiB writes, each awaited) and
 * reports whether every write went through and what the server answered.
 */
async function rawPost(url: string, path: string, contentType: string, body: Buffer): Promise<{ writesOk: boolean; response: string }> {
  const { hostname, port } = new URL(url);
  const socket = connectTcp(Number(port), hostname);
  let response = '';
  socket.on('data', (chunk: Buffer) => {
    response += chunk.toString('latin1');
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const write = (data: Buffer | string) => new Promise<boolean>((resolve) => socket.write(data, (error) => resolve(!error)));
  let writesOk = await write(`POST ${path} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: ${contentType}\r\ncontent-length: ${body.length}\r\n\r\n`);
  for (let at = 0; at < body.length && writesOk; at += 64 * 1024) {
    writesOk = await write(body.subarray(at, at + 64 * 1024));
    // Paced like a network link, so the server answers while the body is still coming.
    if (at % (512 * 1024) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
  socket.destroy();
  return { writesOk, response };
}

/** A schema-valid conversation of about `chars` characters (turns of at most 30 000), ending with a question. */
function conversation(chars: number): Array<{ role: 'user' | 'assistant'; content: string }> {
  const messages: Array<{ role: 'user' | 'assistant'; content: string }> = [];
  for (let left = chars; left > 0; left -= 60_000) {
    messages.push({ role: 'user', content: 'q'.repeat(Math.min(30_000, left)) });
    messages.push({ role: 'assistant', content: 'a'.repeat(Math.max(1, Math.min(30_000, left - 30_000))) });
  }
  messages.push({ role: 'user', content: 'and now?' });
  return messages;
}

describe('bad input gets a clear 4xx or ack, never a 500, a hang or a dropped connection', () => {
  it('refuses a 2000x1 image (and 1x2000) with 422 IMAGE_INVALID', async () => {
    for (const [w, h] of [
      [2000, 1],
      [1, 2000],
    ] as const) {
      const res = await fetch(`${ctl.url}/api/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: makePng(w, h, [1, 2, 3]) });
      expect(await errorOf(res)).toMatchObject({ status: 422, code: 'IMAGE_INVALID', message: expect.stringContaining(`${w}x${h}`) });
    }
    const fine = await fetch(`${ctl.url}/api/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: makePng(320, 10, [1, 2, 3]) });
    expect(fine.status).toBe(201);
  });

  it('answers PROMPT_TOO_LONG at once for a conversation that cannot fit the context, without a worker seeing it', async () => {
    const w = await startTestWorker(keys, { workerId: 'pt-1', name: 'alpha' });
    workers.push(w);
    const socket = await openClient(ctl.url);
    sockets.push(socket);
    // 200 KB: schema-valid, but at least 800 tokens for a 512-token context.
    const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', { messages: conversation(200_000), models: ['alpha'] });
    expect(ack).toMatchObject({ ok: false, error: { code: 'PROMPT_TOO_LONG', message: expect.stringContaining('512-token context of alpha') } });
    expect(w.model.calls).toHaveLength(0);
    expect(await ctl.controller.dispatcher.queue('alpha').getJobCounts('waiting', 'active', 'completed', 'failed')).toMatchObject({ waiting: 0, active: 0, completed: 0, failed: 0 });
    // The connection is still usable.
    const ok: GenerateAck = await socket.timeout(5000).emitWithAck('generate', { messages: conversation(10), models: ['alpha'] });
    expect(ok.ok).toBe(true);
  });

  it('answers a conversation above the schema cap (but under the socket.io buffer) with a clear ack, and keeps the connection', async () => {
    workers.push(await startTestWorker(keys, { workerId: 'big-1', name: 'alpha' }));
    const socket = await openClient(ctl.url);
    sockets.push(socket);
    const size = Math.round((MAX_CONVERSATION_BYTES + SOCKET_MAX_PAYLOAD_BYTES) / 2);
    const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', { messages: conversation(size), models: ['alpha'] });
    expect(ack).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('the limit is 512 KiB') } });
    expect(socket.connected).toBe(true);
  });

  it('lets clients read the 413 of an oversized upload or feedback (the body is read and dropped first)', async () => {
    // Declared length (fetch with a buffer): 25 MiB for a 1 MiB limit.
    const declared = await fetch(`${ctl.url}/api/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: Buffer.alloc(25 * 1024 * 1024, 7) });
    expect(await errorOf(declared)).toMatchObject({ status: 413, code: 'IMAGE_TOO_LARGE' });
    // Streamed without a length (chunked): found too large while reading.
    const chunks = Array.from({ length: 40 }, () => Buffer.alloc(256 * 1024, 9));
    const streamed = await fetch(`${ctl.url}/api/images`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(await errorOf(streamed)).toMatchObject({ status: 413, code: 'IMAGE_TOO_LARGE' });
    const feedback = await fetch(`${ctl.url}/api/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"comment":"${'z'.repeat(1_200_000)}"}` });
    expect(await errorOf(feedback)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    // As curl sends it: every write of the body goes through, then the 413 is there to read.
    for (const [path, type, size, code] of [
      ['/api/feedback', 'application/json', 1_200_000, 'PAYLOAD_TOO_LARGE'],
      ['/api/images', 'image/png', 6 * 1024 * 1024, 'IMAGE_TOO_LARGE'],
    ] as const) {
      const sent = await rawPost(ctl.url, path, type, Buffer.alloc(size, 0x61));
      expect(sent.writesOk).toBe(true);
      expect(sent.response).toMatch(/^HTTP\/1\.1 413 /);
      expect(sent.response).toContain(code);
    }
    expect((await fetch(`${ctl.url}/healthz`)).status).toBe(200);
  });
});
