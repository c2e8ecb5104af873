import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type MgmModel, loadModel } from '@mgm/engine';
import { SceneRenderer, extractImagePrompt } from '@mgm/imagegen';
import { type EndFrame, type RedisKeys, defaultSamplingParams, queueNameForModel } from '@mgm/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lazyOcr } from '../src/job-extras.ts';
import { ModelWorker } from '../src/model-worker.ts';
import { connect, readFramesUntilEnd, silentLogger, testNamespace } from './redis-test-helpers.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const evalDir = path.join(root, 'models/eval');

interface Rec {
  id: string;
  image: string;
  question: string;
  answer: string;
  type: string;
}

// The real path: the shipped mgm-tiny checkpoint, PaddleOCR and the scene renderer, through Redis.
describe('worker: OCR and image generation on mgm-tiny', () => {
  let redis: Redis;
  let keys: RedisKeys;
  let cleanup: (r: Redis) => Promise<void>;
  let model: MgmModel;
  let worker: ModelWorker;
  let queue: Queue;
  const ocr = lazyOcr({ logger: silentLogger });
  let records: Rec[];

  beforeAll(async () => {
    redis = connect();
    ({ keys, cleanup } = testNamespace('ocrgen'));
    records = (await readFile(path.join(evalDir, 'test.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Rec);
    model = await loadModel(path.join(root, 'models/mgm-tiny'), { intraOpThreads: 1 });
    worker = new ModelWorker({
      model,
      extras: { ocr, imageBackend: new SceneRenderer() },
      redis,
      connect: () => connect(),
      keys,
      logger: silentLogger,
      workerId: `w-ocrgen-${randomUUID().slice(0, 6)}`,
      checkpoint: 'models/mgm-tiny',
      displayName: 'MGM-Tiny',
      capabilities: ['image'],
      concurrency: 1,
      heartbeatMs: 200,
      recordTtlMs: 1000,
      lockDurationMs: 5000,
      stalledIntervalMs: 1000,
      drainTimeoutMs: 5000,
      streamTtlSeconds: 60,
    });
    await worker.start();
    queue = new Queue(queueNameForModel('mgm-tiny'), { connection: connect(), prefix: keys.bullPrefix });
  });

  afterAll(async () => {
    await worker.close();
    await queue.close();
    await model.close();
    await ocr.close();
    await cleanup(redis);
    await redis.quit();
  });

  async function ask(rec: Rec, params: Record<string, unknown>): Promise<EndFrame> {
    const bytes = await readFile(path.join(evalDir, rec.image));
    const imageId = createHash('sha256').update(bytes).digest('hex');
    await redis.set(keys.image(imageId), bytes, 'EX', 60);
    const jobId = randomUUID();
    await queue.add(
      'generate',
      {
        jobId,
        requestId: 'r-ocrgen',
        model: 'mgm-tiny',
        messages: [{ role: 'user', content: rec.question }],
        imageId,
        imageMode: 'default',
        params: { ...defaultSamplingParams, temperature: 0, maxNewTokens: 64, ...params },
        enqueuedAt: Date.now(),
      },
      { jobId, attempts: 1 },
    );
    const frames = await readFramesUntilEnd(redis, keys, jobId, 60_000);
    const end = frames.at(-1);
    if (end?.type !== 'end') throw new Error(`job ended with ${JSON.stringify(end)}`);
    return end;
  }

  it('a generation request ends with the image prompt and a picture, or says why there is none', async () => {
    const rec = records.find((r) => r.type === 'generation') as Rec;
    const end = await ask(rec, { generateImage: true });
    expect(end.image).toBeDefined();
    const image = end.image!;
    if (process.env.TEST_LOG_LEVEL) console.log(end.text, image.status, image.message ?? '');
    const prompt = extractImagePrompt(end.text);
    expect(image.prompt).toBe(prompt);
    if (prompt === null) {
      expect(image.status).toBe('no-prompt');
      expect(image.message).toContain('<h>');
    } else if (image.status === 'ok') {
      const png = Buffer.from(image.pngBase64!, 'base64');
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([384, 384]);
      expect(image).toMatchObject({ backend: 'scene-renderer', width: 384, height: 384 });
      expect(image.note).toMatch(/not by a diffusion model/u);
    } else {
      // The model wrote a prompt the renderer cannot draw: the frame says which part.
      expect(image.status).toBe('failed');
      expect(image.message).toContain('cannot');
    }
  });

  it('a question without generateImage carries no image', async () => {
    const rec = records.find((r) => r.type === 'shape') as Rec;
    const end = await ask(rec, {});
    expect(end.image).toBeUndefined();
    expect(end.ocrText).toBeUndefined();
  });

  it('with useOcr the job reads the code in the image and gives it to the model in the prompt', async () => {
    const rec = records.find((r) => r.id === '0000-1') as Rec;
    expect(rec.answer).toBe('641');
    const withOcr = await ask(rec, { useOcr: true, maxNewTokens: 1 });
    const without = await ask(rec, { maxNewTokens: 1 });
    expect(withOcr.ocrText).toBe('641');
    const suffix = model.renderPrompt({ messages: [{ role: 'user', content: rec.question }], image: new Uint8Array(1), ocrText: '641' });
    expect(suffix).toContain(`${rec.question}\nReference OCR Token: 641\n ASSISTANT:`);
    expect(withOcr.tokens.prompt).toBeGreaterThan(without.tokens.prompt);
  });
});
