import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, loadFixture } from '../../test/fixture-checkpoint.ts';
import { parseDevice } from '../execution-provider.ts';
import type { ImageInput, PreprocessedImage } from '../image-input.ts';
import { loadManifest } from '../manifest.ts';
import { createSessions } from '../sessions.ts';
import { createVision } from '../vision-adapter.ts';
import { ComputeLock } from './compute-lock.ts';
import { LocalPrefill, type PrefillRequest } from './prefill-executor.ts';
import { PrefillThread } from './prefill-thread.ts';

const logger = pino({ level: 'silent' });

describe('PrefillThread (micro-mgm)', async () => {
  const fixture = await loadFixture('micro-mgm');
  const loaded = await loadManifest(fixture.dir);
  const { manifest } = loaded;
  const sessions = await createSessions(loaded, { device: parseDevice('cpu'), dtype: 'fp32', logger, intraOpThreads: 1 });
  const vision = createVision();
  const spec = vision.parseSpec(manifest.image);
  const prepareImage = async (image: Exclude<ImageInput, PreprocessedImage>): Promise<PreprocessedImage> =>
    vision.preprocess(image instanceof Uint8Array ? await vision.decodeImage(image) : image, spec);
  const fallback = new LocalPrefill({ ...sessions, manifest, compute: new ComputeLock(), prepareImage });
  const start = () => PrefillThread.start({ checkpoint: fixture.dir, dtype: 'fp32', preprocess: true, intraOpThreads: 1, logger, prepareImage, fallback });
  const thread = await start();
  afterAll(async () => {
    await thread.close();
    await Promise.all([sessions.vision.release(), sessions.embed.release(), sessions.decoder.release()]);
  });
  const visual = manifest.image.visual_tokens;
  const request = (features: Float32Array): PrefillRequest => ({
    ids: fixture.ref.prompt_ids,
    imageAt: fixture.ref.image_at,
    visual,
    features,
    prefix: null,
    promptLength: fixture.ref.prompt_ids.length + visual,
  });

  it('runs vision and prefill while a decode step holds the compute lock, which the in-turn executor waits for', async () => {
    const lock = new ComputeLock();
    let endStep!: () => void;
    // A batched decode step in flight on the model's thread.
    const step = lock.run(() => new Promise<void>((resolve) => (endStep = resolve)));
    const local = new LocalPrefill({ ...sessions, manifest, compute: lock, prepareImage });
    const order: string[] = [];
    const localDone = local.encodeImage(fixture.image, undefined).then((r) => {
      order.push('in turn: vision');
      return r;
    });
    const encoded = await thread.encodeImage(fixture.image, undefined);
    order.push('thread: vision');
    const prefilled = await thread.prefill(request(encoded.features));
    order.push('thread: prefill');
    expect(order).toEqual(['thread: vision', 'thread: prefill']);
    endStep();
    await step;
    const localEncoded = await localDone;
    expect(order.at(-1)).toBe('in turn: vision');

    // The same graphs and session options on either thread: the same bits.
    expect(encoded.features).toEqual(localEncoded.features);
    const localPrefilled = await local.prefill(request(localEncoded.features));
    expect(prefilled.logits).toEqual(localPrefilled.logits);
    expect(prefilled.length).toBe(localPrefilled.length);
    for (const [name, t] of Object.entries(localPrefilled.cache)) {
      expect(prefilled.cache[name]?.dims).toEqual(t.dims);
      expect(prefilled.cache[name]?.data).toEqual(t.data);
    }
  });

  it('decodes and preprocesses image bytes in the thread, as the model thread would', async () => {
    const bytes = new Uint8Array(await readFile(path.join(FIXTURES, 'shapes.png')));
    const local = new LocalPrefill({ ...sessions, manifest, compute: new ComputeLock(), prepareImage });
    const [inThread, here] = [await thread.encodeImage(bytes, undefined), await local.encodeImage(bytes, undefined)];
    expect(inThread.features).toEqual(here.features);
    expect(inThread.preprocessMs).toBeGreaterThan(0);
  });

  it('prefills after a cached prefix as the model thread does', async () => {
    const local = new LocalPrefill({ ...sessions, manifest, compute: new ComputeLock(), prepareImage });
    const { features } = await local.encodeImage(fixture.image, undefined);
    const whole = await local.prefill(request(features));
    const from = fixture.ref.image_at + visual + 2;
    const prefix = { past: sliceCache(whole.cache, from), length: from };
    const [inThread, here] = [await thread.prefill({ ...request(features), prefix }), await local.prefill({ ...request(features), prefix })];
    expect(inThread.logits).toEqual(here.logits);
  });

  it('passes typed errors back (a bad image is IMAGE_INVALID), and keeps serving after them', async () => {
    await expect(thread.encodeImage(new Uint8Array([1, 2, 3]), undefined)).rejects.toMatchObject({ code: 'IMAGE_INVALID' });
    const wrong: PreprocessedImage = { ...fixture.image, imagesDims: [1, 1, 3, 8, 8], images: new Float32Array(192) };
    await expect(thread.encodeImage(wrong, undefined)).rejects.toMatchObject({ code: 'IMAGE_INVALID' });
    await expect(thread.encodeImage(fixture.image, undefined)).resolves.toMatchObject({ visionMs: expect.any(Number) });
  });

  it('hands the work to its fallback (in turn, on the model thread) once the thread is gone', async () => {
    const doomed = await start();
    expect(doomed.concurrent).toBe(true);
    const worker = (doomed as unknown as { worker: { terminate(): Promise<number> } }).worker;
    const exited = new Promise<void>((resolve) => (worker as unknown as NodeJS.EventEmitter).once('exit', () => resolve()));
    await worker.terminate();
    await exited;
    expect(doomed.concurrent).toBe(false);
    const { features } = await doomed.encodeImage(fixture.image, undefined);
    const here = await fallback.encodeImage(fixture.image, undefined);
    expect(features).toEqual(here.features);
    expect((await doomed.prefill(request(features))).logits).toEqual((await fallback.prefill(request(features))).logits);
    await doomed.close();
  });
});

/** The first `length` positions of a `[1, heads, seq, head_dim]` cache. */
function sliceCache(cache: Record<string, import('onnxruntime-node').Tensor>, length: number) {
  return Object.fromEntries(
    Object.entries(cache).map(([name, t]) => {
      const [b, h, , d] = t.dims as number[];
      const src = t.data as Float32Array;
      const seq = t.dims[2] as number;
      const out = new Float32Array((b as number) * (h as number) * length * (d as number));
      for (let i = 0; i < (b as number) * (h as number); i++) out.set(src.subarray(i * seq * (d as number), (i * seq + length) * (d as number)), i * length * (d as number));
      return [name, new (t.constructor as typeof import('onnxruntime-node').Tensor)('float32', out, [b as number, h as number, length, d as number])];
    }),
  );
}
