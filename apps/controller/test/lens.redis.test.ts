import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GenerateAck, type RedisKeys, imageLensSchema } from '@mgm/protocol';
import { hasMiningAttention, lensModelDir } from '../../../packages/engine/test/lens-models.ts';
import { type RealWorker, startRealWorker } from './spawn-real-worker.ts';
import { type ControllerTestStack, startControllerTestStack, stopControllerTestStack } from './controller-test-stack.ts';
import { framesUntilEnd, openClient, type TestController } from './test-controller.ts';

const checkpoint = lensModelDir('mgm-tiny');
const withAttention = await hasMiningAttention(checkpoint);
const imageFile = fileURLToPath(new URL('../../../models/eval/images/test-0000.png', import.meta.url));

let stack: ControllerTestStack;
let redis: Redis;
let keys: RedisKeys;
let ctl: TestController;
let worker: RealWorker | undefined;
let imageId: string;

beforeAll(async () => {
  stack = await startControllerTestStack('lens');
  const { prefix } = stack;
  ({ redis, keys, ctl } = stack);
  worker = await startRealWorker(ctl, { checkpoint, id: 'lens-1', prefix });
  const upload = await fetch(`${ctl.url}/api/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: await readFile(imageFile) });
  ({ imageId } = (await upload.json()) as { imageId: string });
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  await stopControllerTestStack(stack);
});

async function ask(explain: boolean): Promise<{ jobId: string; end: Record<string, unknown> }> {
  const socket = await openClient(ctl.url);
  try {
    const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', {
      messages: [{ role: 'user', content: 'What number is printed in the picture?' }],
      models: ['mgm-tiny'],
      imageId,
      params: { temperature: 0, maxNewTokens: 8 },
      explain,
    });
    if (!ack.ok) throw new Error(ack.error.message);
    const jobId = ack.jobs[0]!.jobId;
    const end = (await framesUntilEnd(socket, [jobId], 60_000)).get(jobId)!.at(-1)!;
    if (end.type !== 'end') throw new Error(`expected an end frame, got ${JSON.stringify(end)}`);
    return { jobId, end: end as unknown as Record<string, unknown> };
  } finally {
    socket.disconnect();
  }
}

describe('GET /api/lens/:jobId', () => {
  it('answers the lens of a job asked with explain, announced by its end frame', async () => {
    const { jobId, end } = await ask(true);
    expect(end.lens).toBe(true);
    const res = await fetch(`${ctl.url}/api/lens/${jobId}`);
    expect(res.status).toBe(200);
    const lens = imageLensSchema.parse(await res.json());
    expect(lens).toMatchObject({ jobId, model: 'mgm-tiny', architecture: 'mgm', lrSize: 48, hrSize: 192, grid: 6 });
    expect(lens.views.map((v) => [v.name, v.lr.width, v.hrRegion])).toEqual([['whole', 48, { x: 0, y: 0, size: 192 }]]);
    expect(Buffer.from(lens.hr!.pngBase64, 'base64').subarray(1, 4).toString()).toBe('PNG');
    if (withAttention) {
      expect(lens.window).toBe(8);
      expect(lens.attention).toHaveLength(36 * 64);
      for (let t = 0; t < 36; t++) expect(lens.attention!.slice(t * 64, (t + 1) * 64).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    } else {
      console.warn(`lens.redis.test: ${checkpoint}/vision.onnx has no mining_attention: checked the lens without it`);
      expect(lens.attention).toBeNull();
      expect(lens.missing).toMatch(/mining_attention/);
    }
  });

  it('has no lens for a job asked without explain (404 NOT_FOUND), and refuses a bad id (400)', async () => {
    const { jobId, end } = await ask(false);
    expect(end.lens).toBeUndefined();
    expect(await redis.exists(keys.jobLens(jobId))).toBe(0);
    const res = await fetch(`${ctl.url}/api/lens/${jobId}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const bad = await fetch(`${ctl.url}/api/lens/not%20a%20job`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    expect((await fetch(`${ctl.url}/api/lens/${jobId}`, { method: 'DELETE' })).status).toBe(405);
  });
});
