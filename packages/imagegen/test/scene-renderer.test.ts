import { isMgmError } from '@mgm/protocol';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { GLYPHS, SCENE_BACKGROUND, SCENE_COLOURS, SCENE_TEXT_COLOUR, SceneRenderer, parseScenePrompt, sceneLayout } from '../src/index.ts';

async function pixels(png: Uint8Array) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { at: (x: number, y: number) => [...data.subarray((Math.round(y) * info.width + Math.round(x)) * 3, (Math.round(y) * info.width + Math.round(x)) * 3 + 3)], info, data };
}

describe('parseScenePrompt', () => {
  it('reads the prompts the tiny checkpoints write', () => {
    expect(parseScenePrompt('a red circle at the top left, a blue star in the center, the code 472 at the bottom')).toEqual({
      shapes: [
        { colour: 'red', kind: 'circle', cell: 0 },
        { colour: 'blue', kind: 'star', cell: 4 },
      ],
      code: { text: '472', cell: 7 },
    });
    expect(parseScenePrompt('An orange diamond on the right and a purple square at the bottom right.').shapes).toEqual([
      { colour: 'orange', kind: 'diamond', cell: 5 },
      { colour: 'purple', kind: 'square', cell: 8 },
    ]);
  });
  it.each([
    ['', 'empty'],
    ['a cat sitting on a mat', 'cannot read "a cat sitting on a mat"'],
    ['a pink circle at the top', 'cannot read "a pink circle at the top"'],
    ['a red circle at the top, a blue square at the top', 'same cell'],
  ])('rejects %j with IMAGE_GEN_FAILED saying why', (prompt, why) => {
    try {
      parseScenePrompt(prompt);
      expect.unreachable();
    } catch (e) {
      expect(isMgmError(e) && e.code).toBe('IMAGE_GEN_FAILED');
      expect((e as Error).message).toContain(why);
    }
  });
});

describe('SceneRenderer', () => {
  const renderer = new SceneRenderer();

  it('draws each shape in its colour at its cell centre, the rest background', async () => {
    const prompt = 'a red circle at the top left, a blue star in the center, a green triangle on the right, a yellow square at the bottom, a purple diamond at the top right';
    const img = await renderer.generate(prompt);
    expect(img).toMatchObject({ width: 384, height: 384, backend: 'scene-renderer' });
    expect(img.note).toMatch(/not by a diffusion model/u);
    const px = await pixels(img.png);
    expect(px.info).toMatchObject({ width: 384, height: 384 });
    const L = sceneLayout(384, 384);
    const expected: Record<number, readonly number[]> = {
      0: SCENE_COLOURS.red,
      4: SCENE_COLOURS.blue,
      5: SCENE_COLOURS.green,
      7: SCENE_COLOURS.yellow,
      2: SCENE_COLOURS.purple,
    };
    for (let cell = 0; cell < 9; cell++) {
      const c = L.cellCentre(cell);
      expect([cell, px.at(c.x, c.y)]).toEqual([cell, [...(expected[cell] ?? SCENE_BACKGROUND)]]);
    }
    // Corners of a cell lie outside its shape.
    expect(px.at(2, 2)).toEqual([...SCENE_BACKGROUND]);
  });

  it('prints the code with the 5x7 digit font in its cell', async () => {
    const img = await renderer.generate('the code 472 at the bottom left', { width: 192, height: 192 });
    const px = await pixels(img.png);
    const L = sceneLayout(192, 192);
    const o = L.codeOrigin('472', 6);
    const s = L.textScale;
    expect(s).toBe(3);
    const text = [...SCENE_TEXT_COLOUR];
    let dark = 0;
    for (let i = 0; i < px.data.length; i += 3) if (px.data[i] === 25) dark++;
    const bits = ['4', '7', '2'].flatMap((d) => GLYPHS[d] ?? []).join('').split('').filter((b) => b === '1').length;
    expect(dark).toBe(bits * s * s);
    // Each glyph's pixels where its bitmap says so: "4" row 4 is "11111", "7" row 0 is "11111".
    for (let col = 0; col < 5; col++) expect(px.at(o.x + col * s, o.y + 4 * s)).toEqual(text);
    expect(px.at(o.x, o.y)).toEqual([...SCENE_BACKGROUND]);
    for (let col = 0; col < 5; col++) expect(px.at(o.x + (6 + col) * s, o.y)).toEqual(text);
    // The whole code sits in the bottom-left cell.
    expect(o.x).toBeGreaterThanOrEqual(0);
    expect(o.y).toBeGreaterThanOrEqual(128);
  });

  it('refuses a prompt it cannot draw', async () => {
    const err = await renderer.generate('a photo of a dog on a beach').catch((e: unknown) => e);
    expect(isMgmError(err) && err.code).toBe('IMAGE_GEN_FAILED');
  });
});
