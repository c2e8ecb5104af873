import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '@mgm/engine';
import type { GenerateAck, RedisKeys } from '@mgm/protocol';
import { makePng } from './make-png.ts';
import { type RealWorker, startRealWorker } from './spawn-real-worker.ts';
import { type ControllerTestStack, startControllerTestStack, stopControllerTestStack } from './controller-test-stack.ts';
import { framesUntilEnd, openClient, textOf, type TestController } from './test-controller.ts';

const checkpoint = fileURLToPath(new URL('../../../packages/engine/test/fixtures/micro-mgm', import.meta.url));

let stack: ControllerTestStack;
let redis: Redis;
let keys: RedisKeys;
let prefix: string;
let ctl: TestController;
let worker: RealWorker | undefined;

beforeAll(async () => {
  stack = await startControllerTestStack('e2e');
  ({ redis, keys, prefix, ctl } = stack);
  worker = await startRealWorker(ctl, { checkpoint, id: 'real-1', prefix });
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  await stopControllerTestStack(stack);
});

describe('the whole stack with the real engine', () => {
  it('publishes what the checkpoint is in its worker record', async () => {
    const [record] = await ctl.controller.registry.list();
    expect(record).toMatchObject({
      model: 'micro-mgm',
      displayName: 'MICRO-MGM',
      architecture: 'mgm',
      executionProvider: 'CPUExecutionProvider',
      device: 'cpu',
      lrSize: 16,
      hrSize: 32,
      visualTokens: 16,
      capabilities: expect.arrayContaining(['image', 'patch-info-mining']),
    });
  });

  it('answers an image question through socket.io exactly as the engine does in process', async () => {
    const upload = await fetch(`${ctl.url}/api/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: makePng(24, 18, [30, 160, 220]) });
    const { imageId } = (await upload.json()) as { imageId: string };
    const messages = [{ role: 'user' as const, content: 'What is in the picture?' }];
    const params = { temperature: 0, maxNewTokens: 12 };

    const socket = await openClient(ctl.url);
    const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', { messages, models: ['micro-mgm'], imageId, params });
    if (!ack.ok) throw new Error(ack.error.message);
    const frames = (await framesUntilEnd(socket, [ack.jobs[0]!.jobId], 60_000)).get(ack.jobs[0]!.jobId)!;
    socket.disconnect();
    const end = frames.at(-1)!;
    if (end.type !== 'end') throw new Error(`expected an end frame, got ${JSON.stringify(end)}`);
    expect(end.tokens.visual).toBe(16);
    expect(end.tokens.generated).toBeGreaterThan(0);
    expect(textOf(frames)).toBe(end.text);
    expect(frames[0]).toMatchObject({ type: 'start', workerId: ctl.controller.labels.label('real-1') });

    const png = new Uint8Array(await (await fetch(`${ctl.url}/api/images/${imageId}`)).arrayBuffer());
    const model = await loadModel(checkpoint, { device: 'cpu' });
    try {
      const local = model.generate({ messages, image: png, imageMode: 'default', params });
      for await (const _ of local) void _;
      const reference = await local.result;
      expect(end.text).toBe(reference.text);
      expect(end.finishReason).toBe(reference.finishReason);
      expect(end.tokens).toEqual(reference.tokens);
    } finally {
      await model.close();
    }
  });
});
