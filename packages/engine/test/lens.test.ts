import path from 'node:path';
import { SceneRenderer, sceneLayout, textSize } from '@mgm/imagegen';
import { decodeImage } from '@mgm/vision';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImageLens, type MgmModel, loadModel } from '../src/index.ts';
import { FIXTURES } from './fixture-checkpoint.ts';
import { hasMiningAttention, lensModelDir } from './lens-models.ts';

const ASK = [{ role: 'user' as const, content: 'What number is printed in the picture?' }];
const PARAMS = { temperature: 0, maxNewTokens: 1 };
const SIDE = 192;

const attentionModels = await Promise.all(
  ['mgm-tiny', 'mgm-tiny-hd'].map(async (name) => ({ name, dir: lensModelDir(name), ready: await hasMiningAttention(lensModelDir(name)) })),
);
for (const m of attentionModels.filter((x) => !x.ready)) {
  console.warn(`lens.test: skipping ${m.name}: ${m.dir}/vision.onnx has no mining_attention output (re-export it; MGM_LENS_MODELS=<dir> points the test at re-exported copies)`);
}

async function scene(prompt: string): Promise<Uint8Array> {
  return (await new SceneRenderer({ width: SIDE, height: SIDE }).generate(prompt)).png;
}

async function lensOf(model: MgmModel, png: Uint8Array): Promise<ImageLens> {
  const result = await model.generate({ messages: ASK, image: png, params: PARAMS, explain: true }).result;
  if (!result.lens) throw new Error('no lens in the result');
  return result.lens;
}

/** For each token of a view, its largest weight times M (1: uniform over the window). */
function peaks(lens: ImageLens, view: number): number[] {
  const n = lens.grid * lens.grid;
  const m = (lens.window ?? 0) ** 2;
  const att = lens.attention as Float32Array;
  return Array.from({ length: n }, (_, t) => {
    let best = 0;
    for (let k = 0; k < m; k++) best = Math.max(best, att[(view * n + t) * m + k] as number);
    return best * m;
  });
}

describe('the lens on the micro fixtures (graphs without mining_attention)', () => {
  let model: MgmModel;
  beforeAll(async () => {
    model = await loadModel(path.join(FIXTURES, 'micro-hd'));
  });
  afterAll(() => model.close());

  it('gives no lens unless asked; with explain, the LR views in LLM order, the HR input, and why there is no attention', async () => {
    const png = await scene('a red circle at the top left');
    const plain = await model.generate({ messages: ASK, image: png, params: PARAMS }).result;
    expect(plain.lens).toBeUndefined();
    const lens = await lensOf(model, png);
    expect(lens.views.map((v) => v.name)).toEqual(['global', 'crop0', 'crop1', 'crop2', 'crop3']);
    const hr = model.manifest.image.hr_size as number;
    expect(lens.views[1]?.hrRegion).toEqual({ x: 0, y: 0, size: hr / 2 });
    expect(lens.views[4]?.hrRegion).toEqual({ x: hr / 2, y: hr / 2, size: hr / 2 });
    expect(lens.hr?.width).toBe(hr);
    expect(lens.attention).toBeNull();
    expect(lens.missing).toMatch(/without the mining_attention output/);
    // crop0 is the top left quarter of the image: the circle's centre is a third into it
    const lr = lens.views[1]?.lr;
    const third = Math.round(lens.lrSize / 3);
    const centre = (third * lens.lrSize + third) * 3;
    expect(Array.from(lr?.rgb.subarray(centre, centre + 3) ?? [])).toEqual([expect.closeTo(220, -1.5), expect.closeTo(40, -1.5), expect.closeTo(40, -1.5)]);
    const plainAgain = await model.generate({ messages: ASK, image: png, params: PARAMS }).result;
    expect(plainAgain.outputIds).toEqual(plain.outputIds);
  });
});

describe('llava-tiny: only its LR input', () => {
  it('has one LR view, no HR input, no attention and nothing missing', async () => {
    const model = await loadModel(lensModelDir('llava-tiny'));
    try {
      const lens = await lensOf(model, await scene('the code 47 at the center'));
      expect(lens.architecture).toBe('llava');
      expect(lens.views.map((v) => [v.name, v.lr.width, v.hrRegion])).toEqual([['whole', 48, null]]);
      expect(lens.hr).toBeNull();
      expect(lens.attention).toBeNull();
      expect(lens.missing).toBeUndefined();
    } finally {
      await model.close();
    }
  });
});

const tiny = attentionModels[0] as (typeof attentionModels)[number];
describe.skipIf(!tiny.ready)('mgm-tiny: mining attention', () => {
  let model: MgmModel;
  beforeAll(async () => {
    model = await loadModel(tiny.dir);
  });
  afterAll(() => model.close());

  it('sums to 1 over each window', async () => {
    const lens = await lensOf(model, await scene('a blue star at the top right, the code 315 at the bottom'));
    expect(lens.window).toBe(8);
    const m = 64;
    const att = lens.attention as Float32Array;
    expect(att.length).toBe(36 * m);
    for (let t = 0; t < 36; t++) {
      let sum = 0;
      for (let k = 0; k < m; k++) {
        const w = att[t * m + k] as number;
        expect(w).toBeGreaterThanOrEqual(0);
        sum += w;
      }
      expect(sum).toBeCloseTo(1, 5);
    }
  });

  it.each([
    ['top left', 0],
    ['center', 4],
    ['bottom right', 8],
  ])('its argmax cells follow a code drawn at the %s', async (where, cell) => {
    const code = '4807';
    const lens = await lensOf(model, await scene(`the code ${code} at the ${where}`));
    const L = sceneLayout(SIDE, SIDE);
    const o = L.codeOrigin(code, cell);
    const size = textSize(code, L.textScale);
    const box = { x0: o.x, y0: o.y, x1: o.x + size.width, y1: o.y + size.height };
    const tokenPx = SIDE / lens.grid;
    const hits = (x0: number, y0: number, w: number) => x0 < box.x1 && x0 + w > box.x0 && y0 < box.y1 && y0 + w > box.y0;
    // the tokens that look hardest (largest peak weight) lie on the code
    const p = peaks(lens, 0);
    const top = p.map((v, t) => ({ v, t })).sort((a, b) => b.v - a.v).slice(0, 4);
    for (const { t } of top) expect(hits((t % lens.grid) * tokenPx, Math.floor(t / lens.grid) * tokenPx, tokenPx), `token ${t}`).toBe(true);
    // and inside each of those windows the argmax HR cell is on the code's strokes
    const win = lens.window as number;
    const cellPx = tokenPx / win;
    const hr = lens.hr as NonNullable<ImageLens['hr']>;
    const att = lens.attention as Float32Array;
    for (const { t } of top) {
      let best = 0;
      for (let k = 1; k < win * win; k++) if ((att[t * win * win + k] as number) > (att[t * win * win + best] as number)) best = k;
      const x = (t % lens.grid) * tokenPx + (best % win) * cellPx;
      const y = Math.floor(t / lens.grid) * tokenPx + Math.floor(best / win) * cellPx;
      let dark = 0;
      for (let yy = Math.max(0, y - cellPx); yy < Math.min(SIDE, y + 2 * cellPx); yy++) {
        for (let xx = Math.max(0, x - cellPx); xx < Math.min(SIDE, x + 2 * cellPx); xx++) if ((hr.rgb[(yy * SIDE + xx) * 3] as number) < 100) dark++;
      }
      expect(dark, `argmax cell of token ${t} at (${x}, ${y})`).toBeGreaterThan(0);
    }
    // and the background far from the code is looked at nearly evenly
    const far = p.filter((_, t) => !hits((t % lens.grid) * tokenPx - tokenPx, Math.floor(t / lens.grid) * tokenPx - tokenPx, 3 * tokenPx));
    expect(Math.max(...far)).toBeLessThan((top[3]?.v ?? 0) / 2);
  });
});

const hd = attentionModels[1] as (typeof attentionModels)[number];
describe.skipIf(!hd.ready)('mgm-tiny-hd: mining attention per view', () => {
  it('has five views (global first) summing to 1, and the crop under the code looks hardest', async () => {
    const model = await loadModel(hd.dir);
    try {
      for (const [where, crop] of [['top left', 1], ['bottom right', 4]] as const) {
        const lens = await lensOf(model, await scene(`the code 4807 at the ${where}`));
        const m = (lens.window as number) ** 2;
        const att = lens.attention as Float32Array;
        expect(att.length).toBe(5 * 36 * m);
        for (let t = 0; t < 5 * 36; t++) {
          let sum = 0;
          for (let k = 0; k < m; k++) sum += att[t * m + k] as number;
          expect(sum).toBeCloseTo(1, 5);
        }
        const crops = [1, 2, 3, 4].map((v) => Math.max(...peaks(lens, v)));
        expect(crops.indexOf(Math.max(...crops)) + 1, `crop views' peaks ${crops.map((c) => c.toFixed(1)).join(', ')}`).toBe(crop);
      }
    } finally {
      await model.close();
    }
  });
});

it('the lens pictures are the preprocessed tensors, and encodePng writes them losslessly', async () => {
  const { encodePng } = await import('../src/index.ts');
  const picture = { width: 3, height: 2, rgb: Uint8Array.from([0, 1, 2, 250, 251, 252, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]) };
  const decoded = await decodeImage(new Uint8Array(encodePng(picture)));
  expect([decoded.width, decoded.height]).toEqual([3, 2]);
  expect(Array.from(decoded.data)).toEqual(Array.from(picture.rgb));
});

describe('what the vision run fetches', () => {
  it('image_features alone without explain; mining_attention too with it, when the graph has it', async () => {
    const { encodeImage } = await import('../src/image-input.ts');
    const { encodeImageWithLens } = await import('../src/lens/encode-with-lens.ts');
    const { loadFixture } = await import('./fixture-checkpoint.ts');
    const { loadManifest } = await import('../src/manifest.ts');
    const ort = await import('onnxruntime-node');
    const { image, dir } = await loadFixture('micro-mgm');
    const { manifest } = await loadManifest(dir);
    const s = manifest.image;
    const fetched: string[][] = [];
    const session = {
      outputNames: ['image_features', 'mining_attention'],
      run: async (_feeds: unknown, names: string[]) => {
        fetched.push(names);
        return {
          image_features: new ort.Tensor('float32', new Float32Array(s.visual_tokens * manifest.llm.hidden_size), [1, s.visual_tokens, manifest.llm.hidden_size]),
          mining_attention: new ort.Tensor('float32', new Float32Array(s.views * s.tokens_per_view * 4).fill(0.25), [1, s.views, s.tokens_per_view, 4]),
        };
      },
    };
    await encodeImage(session as never, image, manifest);
    const { lens } = await encodeImageWithLens(session as never, image, manifest);
    expect(fetched).toEqual([['image_features'], ['image_features', 'mining_attention']]);
    expect(lens().window).toBe(2);
    await expect(encodeImageWithLens({ ...session, run: async () => ({ ...(await session.run(null, [])), mining_attention: new ort.Tensor('float32', new Float32Array(9), [1, 1, 1, 9]) }) } as never, image, manifest)).rejects.toMatchObject({ code: 'GRAPH_MISMATCH' });
  });
});
