import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENE_COLOURS, SCENE_SHAPES, type SceneColour, type SceneSpec, sceneSvg } from '@mgm/imagegen';
import { seededRandom } from '@mgm/protocol';
import sharp from 'sharp';

/** A picture holding a code, and the code. */
export interface CodeScene {
  name: string;
  variant: string;
  code: string;
  png: Uint8Array;
}

/**
 * How a scene is drawn: the renderer's canvas size (its dot scale follows: 192 px → 3 pixels
 * per dot) and, for `resizeTo`, a smoothed (bilinear) resize afterwards: a non-integer scale.
 */
export interface SceneVariant {
  name: string;
  size: number;
  resizeTo?: number;
}

export const SCENE_VARIANTS: readonly SceneVariant[] = [
  { name: '192 px (3 px/dot)', size: 192 },
  { name: '256 px (4 px/dot)', size: 256 },
  { name: '384 px (6 px/dot)', size: 384 },
  { name: '192→288 px bilinear (4.5 px/dot)', size: 192, resizeTo: 288 },
];

/** A scene of up to 4 shapes and a 3-digit code in a random cell. */
export function randomCodeScene(rnd: () => number, code?: string): SceneSpec {
  const cells = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  for (let i = cells.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [cells[i], cells[j]] = [cells[j] as number, cells[i] as number];
  }
  const colours = Object.keys(SCENE_COLOURS) as SceneColour[];
  const shapes = cells.slice(1, 1 + Math.floor(rnd() * 5)).map((cell) => ({
    kind: SCENE_SHAPES[Math.floor(rnd() * SCENE_SHAPES.length)] as (typeof SCENE_SHAPES)[number],
    colour: colours[Math.floor(rnd() * colours.length)] as SceneColour,
    cell,
  }));
  const text = code ?? String(Math.floor(rnd() * 1000)).padStart(3, '0');
  return { shapes, code: { text, cell: cells[0] as number } };
}

export async function renderScene(spec: SceneSpec, variant: SceneVariant): Promise<Uint8Array> {
  let image = sharp(Buffer.from(sceneSvg(spec, variant.size, variant.size)));
  if (variant.resizeTo) image = sharp(await image.png().toBuffer()).resize(variant.resizeTo, variant.resizeTo, { kernel: 'linear' });
  return new Uint8Array(await image.png().toBuffer());
}

/** `count` scenes drawn from `seed`, the variants taken in turn; `codes` fixes the first codes. */
export async function renderedCodeScenes(count: number, seed: number, codes: readonly string[] = []): Promise<CodeScene[]> {
  const rnd = seededRandom(seed);
  const scenes: CodeScene[] = [];
  for (let i = 0; i < count; i++) {
    const variant = SCENE_VARIANTS[i % SCENE_VARIANTS.length] as SceneVariant;
    const spec = randomCodeScene(rnd, codes[i]);
    scenes.push({ name: `scene-${seed}-${i}`, variant: variant.name, code: spec.code?.text as string, png: await renderScene(spec, variant) });
  }
  return scenes;
}

const evalDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models/eval');

/** The shipped test images that carry a code (tools/mgm-tiny's Python renderer, with jitter), once each. */
export function shippedCodeImages(dir = evalDir): CodeScene[] {
  const seen = new Map<string, CodeScene>();
  for (const line of readFileSync(path.join(dir, 'test.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { image: string; answer: string; type: string };
    if (row.type !== 'text' || seen.has(row.image)) continue;
    seen.set(row.image, { name: row.image, variant: 'shipped test image', code: row.answer, png: new Uint8Array(readFileSync(path.join(dir, row.image))) });
  }
  return [...seen.values()];
}
