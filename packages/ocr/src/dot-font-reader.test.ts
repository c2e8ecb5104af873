import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { textRects, textSize } from '@mgm/imagegen';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type GrayRegion, compileDotFont, readDotFont } from './dot-font-reader.ts';
import { SCENE_DOT_FONT } from './scene-dot-font.ts';

const font = compileDotFont(SCENE_DOT_FONT);
const here = path.dirname(fileURLToPath(import.meta.url));

/** `text` drawn in the scene font at `scale`, at (x, y) of a w x h light region. */
function drawn(text: string, scale: number, x: number, y: number, w: number, h: number, ink = 25, ground = 250): GrayRegion {
  const data = new Uint8Array(w * h).fill(ground);
  for (const r of textRects(x, y, text, scale)) {
    for (let yy = r.y; yy < r.y + r.size; yy++) for (let xx = r.x; xx < r.x + r.size; xx++) data[yy * w + xx] = ink;
  }
  return { data, width: w, height: h };
}

async function resized(region: GrayRegion, factor: number): Promise<GrayRegion> {
  const width = Math.round(region.width * factor);
  const height = Math.round(region.height * factor);
  const data = await sharp(Buffer.from(region.data), { raw: { width: region.width, height: region.height, channels: 1 } })
    .resize(width, height, { kernel: 'linear', fit: 'fill' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  return { data: new Uint8Array(data), width, height };
}

describe('readDotFont (the 5x7 scene digits)', () => {
  it('reads every digit, the slashed zero included, at 2, 3 and 6 pixels per dot and any offset', () => {
    for (const scale of [2, 3, 6]) {
      for (const text of ['037', '170', '240', '0123456789', '1', '111', '404']) {
        const size = textSize(text, scale);
        const offset = 3 + scale;
        const region = drawn(text, scale, offset, offset + 1, size.width + 2 * offset + 5, size.height + 2 * offset + 3);
        expect(readDotFont(region, font), `${text} at ${scale}x`).toEqual({ text, confidence: 1 });
      }
    }
  });

  it('reads codes after a smoothed resize to a non-integer scale (3 → 4.5 and 6 → 2.5 pixels per dot)', async () => {
    for (const [scale, factor] of [
      [3, 1.5],
      [6, 2.5 / 6],
    ] as const) {
      for (const text of ['037', '809', '250', '186']) {
        const size = textSize(text, scale);
        const region = await resized(drawn(text, scale, 7, 5, size.width + 16, size.height + 12), factor);
        const reading = readDotFont(region, font);
        expect(reading?.text, `${text} at ${scale * factor} px/dot`).toBe(text);
        expect(reading?.confidence).toBeGreaterThan(0.6);
      }
    }
  });

  it('reads light print on a dark ground', () => {
    const size = textSize('250', 3);
    expect(readDotFont(drawn('250', 3, 4, 4, size.width + 8, size.height + 8, 240, 20), font)?.text).toBe('250');
  });

  it('refuses what is not the font: typeset text, a filled shape, blank ground, dots too small to sample', async () => {
    const { data, info } = await sharp(await readFile(path.join(here, '../test/fixtures/printed-text.png')))
      .grayscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const typeset: GrayRegion = { data: new Uint8Array(data), width: info.width, height: info.height };
    expect(readDotFont(typeset, font)).toBeNull();
    // Each line of the typeset fixture on its own.
    const half = Math.floor(info.height / 2);
    expect(readDotFont({ data: typeset.data.slice(0, half * info.width), width: info.width, height: half }, font)).toBeNull();
    expect(readDotFont({ data: typeset.data.slice(half * info.width), width: info.width, height: info.height - half }, font)).toBeNull();

    const disc = new Uint8Array(40 * 40).fill(250);
    for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) if ((x - 20) ** 2 + (y - 20) ** 2 < 15 ** 2) disc[y * 40 + x] = 40;
    expect(readDotFont({ data: disc, width: 40, height: 40 }, font)).toBeNull();
    expect(readDotFont({ data: new Uint8Array(30 * 20).fill(250), width: 30, height: 20 }, font)).toBeNull();
    const tiny = textSize('12', 1);
    expect(readDotFont(drawn('12', 1, 2, 2, tiny.width + 4, tiny.height + 4), font)).toBeNull();
  });

  it('refuses a glyph that is not in the font (a dot pattern no digit has)', () => {
    const letterA = compileDotFont({ glyphs: { A: ['01110', '10001', '10001', '11111', '10001', '10001', '10001'] }, spacing: 1 });
    const w = 5 * 3 + 8;
    const h = 7 * 3 + 8;
    const data = new Uint8Array(w * h).fill(250);
    const bitmap = ['01110', '10001', '10001', '11111', '10001', '10001', '10001'];
    bitmap.forEach((row, r) =>
      [...row].forEach((bit, c) => {
        if (bit !== '1') return;
        for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) data[(4 + r * 3 + y) * w + 4 + c * 3 + x] = 25;
      }),
    );
    expect(readDotFont({ data, width: w, height: h }, font)).toBeNull();
    expect(readDotFont({ data, width: w, height: h }, letterA)?.text).toBe('A');
  });
});
