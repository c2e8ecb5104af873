/**
 * Large uploads do not stall the controller's event loop (issue 14, item 7): four 24-megapixel
 * JPEGs uploaded at once, the controller in this process. Measured by the loop's utilisation
 * during the uploads (performance.eventLoopUtilization: the share of the time the loop was busy
 * rather than waiting for I/O), which does not depend on how fast or loaded the machine is: when
 * uploads are normalised on the event loop, the loop is busy for every downscale (0.64–0.71 seen
 * on the 2-core development machine with two trainings beside it), so this fails; with the image
 * threads it only moves bytes (0.07–0.08 on the same machine). The longest pause of a 5 ms timer
 * is logged for the record. (An earlier bound on that pause, against one downscale timed on the
 * loop, failed now and then on a loaded machine.)
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { redisKeys } from '@mgm/protocol';
import { decodeImage, ImageKernels, mgmDownscaleSize } from '@mgm/vision';
import { startTestController, type TestController } from './test-controller.ts';

const WIDTH = 6000;
const HEIGHT = 4000;
let ctl: TestController;
let jpeg: Buffer;
let blockingMs: number;

beforeAll(async () => {
  jpeg = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: { r: 90, g: 120, b: 150 }, noise: { type: 'gaussian', mean: 120, sigma: 12 } } })
    .jpeg({ quality: 60 })
    .toBuffer();
  const decoded = await decodeImage(new Uint8Array(jpeg));
  const kernels = new ImageKernels();
  const target = { ...mgmDownscaleSize(WIDTH, HEIGHT)!, filter: 'bicubic' as const };
  const runs: number[] = [];
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    kernels.resize({ image: decoded }, target);
    runs.push(performance.now() - t0);
  }
  blockingMs = Math.min(...runs);
  ctl = await startTestController(redisKeys(`test-uploads-${randomUUID()}`), { maxUploadBytes: 32 * 1024 * 1024, imageThreads: 2 });
}, 120_000);

afterAll(async () => {
  await ctl?.close();
});

describe('uploads and the event loop', () => {
  it('keeps the event loop responsive while four large uploads are processed', async () => {
    let last = performance.now();
    let longestPause = 0;
    const watch = setInterval(() => {
      const now = performance.now();
      longestPause = Math.max(longestPause, now - last);
      last = now;
    }, 5);
    const upload = async () => {
      const res = await fetch(`${ctl.url}/api/images`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: jpeg });
      return { status: res.status, body: (await res.json()) as { imageId?: string; width?: number; height?: number } };
    };
    const before = performance.eventLoopUtilization();
    const results = await Promise.all([upload(), upload(), upload(), upload()]);
    const busy = performance.eventLoopUtilization(before).utilization;
    clearInterval(watch);
    for (const result of results) expect(result).toMatchObject({ status: 201, body: mgmDownscaleSize(WIDTH, HEIGHT)! });
    expect(new Set(results.map((r) => r.body.imageId)).size).toBe(1);
    console.info(`event loop busy ${(busy * 100).toFixed(0)} % of the uploads; longest pause ${longestPause.toFixed(0)} ms; one downscale on the loop ${blockingMs.toFixed(0)} ms`);
    expect(busy, 'share of the uploads during which the event loop was busy').toBeLessThan(0.35);
  }, 180_000);
});
