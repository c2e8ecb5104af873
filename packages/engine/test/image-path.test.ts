import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeImage } from '@mgm/vision';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MgmModel, type VisionApi, loadModel } from '../src/index.ts';
import { createVision } from '../src/vision-adapter.ts';
import { FIXTURES } from './fixture-checkpoint.ts';

const Q = [{ role: 'user' as const, content: 'What is in the picture?' }];

describe.each(['micro-mgm', 'micro-hd'])('%s: image bytes through @mgm/vision', (name) => {
  let model: MgmModel;
  let png: Uint8Array;
  beforeAll(async () => {
    model = await loadModel(path.join(FIXTURES, name));
    png = new Uint8Array(await readFile(path.join(FIXTURES, 'shapes.png')));
  });
  afterAll(() => model.close());

  it('decodes, preprocesses and answers; bytes and a decoded image give the same tokens', async () => {
    const params = { temperature: 0, maxNewTokens: 6 };
    const fromBytes = await model.generate({ messages: Q, image: png, params }).result;
    const decoded = await decodeImage(png);
    const fromDecoded = await model.generate({ messages: Q, image: decoded, params }).result;
    expect(fromBytes.tokens.visual).toBe(model.info.visualTokens);
    expect(fromBytes.timingsMs.preprocess).toBeGreaterThan(0);
    expect(fromBytes.timingsMs.vision).toBeGreaterThan(0);
    expect(fromDecoded.outputIds).toEqual(fromBytes.outputIds);
    const noImage = await model.generate({ messages: Q, params }).result;
    expect(noImage.tokens.visual).toBe(0);
  });

  it('passes the image mode on; "default" means the checkpoint\'s own mode (pad)', async () => {
    const seen: Float32Array[] = [];
    const vision = createVision();
    const spy: VisionApi = {
      ...vision,
      preprocess: async (d, spec, mode) => {
        const out = await vision.preprocess(d, spec, mode);
        seen.push(out.images);
        return out;
      },
    };
    const m = await loadModel(path.join(FIXTURES, name), { vision: spy });
    const params = { temperature: 0, maxNewTokens: 1 };
    for (const imageMode of ['pad', 'default', 'crop'] as const) {
      await m.generate({ messages: Q, image: png, imageMode, params }).result;
    }
    await m.close();
    const [pad, def, crop] = seen as [Float32Array, Float32Array, Float32Array];
    expect(def).toEqual(pad);
    expect(crop).not.toEqual(pad);
  });

  it('rejects bytes that are not an image with IMAGE_INVALID before the first token', async () => {
    const s = model.generate({ messages: Q, image: new TextEncoder().encode('not a png at all') });
    await expect(s.result).rejects.toMatchObject({ code: 'IMAGE_INVALID' });
  });
});
