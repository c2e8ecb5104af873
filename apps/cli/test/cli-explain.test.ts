import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import { SceneRenderer } from '@mgm/imagegen';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasMiningAttention, lensModelDir } from '../../../packages/engine/test/lens-models.ts';
import { runCli } from './run-cli.ts';

const IMAGE = fileURLToPath(new URL('../../../models/eval/images/test-0000.png', import.meta.url));
const Q = 'What number is printed in the picture?';
const tinyHasAttention = await hasMiningAttention(lensModelDir('mgm-tiny'));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mgm-explain-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function explain(model: string, image = IMAGE): Promise<{ file: string; err: string; size: { width: number; height: number } }> {
  const file = path.join(dir, `${model}.png`);
  const r = await runCli(['ask', '--model', lensModelDir(model), '--image', image, '--temperature', '0', '--max-new-tokens', '6', '--explain', file, Q]);
  expect(r.code, r.err).toBe(0);
  const meta = await sharp(file).metadata();
  return { file, err: r.err, size: { width: meta.width ?? 0, height: meta.height ?? 0 } };
}

describe('mgm ask --explain', () => {
  it('llava-tiny: a picture of its LR input alone (one row, one panel)', async () => {
    const { err, size } = await explain('llava-tiny');
    expect(err).toMatch(/lens: .*llava-tiny\.png \(LR input only \(no HR branch\)\)/);
    expect(size.height).toBeLessThan(320);
  });

  it.skipIf(!tinyHasAttention)('mgm-tiny: LR, HR and the mining heat, hottest on a code drawn at the top right', async () => {
    const scene = path.join(dir, 'scene.png');
    await writeFile(scene, (await new SceneRenderer({ width: 192, height: 192 }).generate('the code 4807 at the top right')).png);
    const { file, err, size } = await explain('mgm-tiny', scene);
    expect(err).toMatch(/\(LR, HR and mining heat\)/);
    expect(size.width).toBeGreaterThan(2 * 192);
    // the heat panel (second of row 2), summed over the 3x3 cells of the scene
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    const x0 = 14 + 192 + 14;
    const y0 = info.height - 192 - 7;
    const heat = Array.from({ length: 9 }, () => 0);
    for (let y = 0; y < 192; y++) {
      for (let x = 0; x < 192; x++) {
        const i = ((y0 + y) * info.width + x0 + x) * info.channels;
        heat[Math.floor(y / 64) * 3 + Math.floor(x / 64)]! += Math.max(0, (data[i] as number) - (data[i + 2] as number));
      }
    }
    expect(heat.indexOf(Math.max(...heat)), `heat by cell ${heat.join(', ')}`).toBe(2);
  });

  it('needs an image and a .png path (usage errors, exit 2)', async () => {
    const noImage = await runCli(['ask', '--model', lensModelDir('mgm-tiny'), '--explain', path.join(dir, 'x.png'), Q]);
    expect(noImage.code).toBe(2);
    expect(noImage.err).toMatch(/--explain .*--image FILE/);
    const notPng = await runCli(['ask', '--model', lensModelDir('mgm-tiny'), '--image', IMAGE, '--explain', path.join(dir, 'x.txt'), Q]);
    expect(notPng.code).toBe(2);
    expect(notPng.err).toMatch(/--explain takes the path of the PNG/);
  });
});
