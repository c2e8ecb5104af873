import { MgmError } from '@mgm/protocol';
import sharp from 'sharp';
import { textRects, textSize } from './digit-font.ts';
import type { BackendImage, ImageBackend, ImageGenOptions } from './image-backend.ts';
import { SCENE_COLOURS, type SceneSpec, parseScenePrompt } from './scene-prompt.ts';

export const SCENE_BACKGROUND = [250, 250, 250] as const;
export const SCENE_TEXT_COLOUR = [25, 25, 25] as const;
export const SCENE_RENDERER_NOTE =
  'Drawn by the synthetic-scene renderer (shapes, colours and a code on a 3x3 grid, as the tiny checkpoints were trained on), not by a diffusion model.';

/** Where each thing goes: cell centres, a shape radius of 0.36 of the cell, digits scaled with the canvas. */
export interface SceneLayout {
  width: number;
  height: number;
  cellCentre(cell: number): { x: number; y: number };
  radius: number;
  textScale: number;
  codeOrigin(text: string, cell: number): { x: number; y: number };
}

export function sceneLayout(width: number, height: number): SceneLayout {
  const cw = width / 3;
  const ch = height / 3;
  // scene.py prints the code at scale 3 (MGM_TINY_TEXT_SCALE) on canvases of about 192 px.
  const textScale = Math.max(1, Math.round((3 * Math.min(width, height)) / 192));
  return {
    width,
    height,
    cellCentre: (cell) => ({ x: (cell % 3) * cw + cw / 2, y: Math.floor(cell / 3) * ch + ch / 2 }),
    radius: Math.min(cw, ch) * 0.36,
    textScale,
    codeOrigin: (text, cell) => {
      const { width: tw, height: th } = textSize(text, textScale);
      return { x: Math.round((cell % 3) * cw + (cw - tw) / 2), y: Math.round(Math.floor(cell / 3) * ch + (ch - th) / 2) };
    },
  };
}

const rgb = (c: readonly number[]): string => `rgb(${c.join(',')})`;
const pts = (p: [number, number][]): string => p.map(([x, y]) => `${x.toFixed(2)},${y.toFixed(2)}`).join(' ');

/** The SVG of a scene: the shapes of tools/mgm-tiny/mgm_tiny/scene.py render(), without jitter. */
export function sceneSvg(spec: SceneSpec, width: number, height: number): string {
  const L = sceneLayout(width, height);
  const r = L.radius;
  const els: string[] = [`<rect width="${width}" height="${height}" fill="${rgb(SCENE_BACKGROUND)}"/>`];
  for (const s of spec.shapes) {
    const { x: cx, y: cy } = L.cellCentre(s.cell);
    const fill = rgb(SCENE_COLOURS[s.colour]);
    switch (s.kind) {
      case 'circle':
        els.push(`<circle cx="${cx}" cy="${cy}" r="${r}" fill="${fill}"/>`);
        break;
      case 'square':
        els.push(`<rect x="${cx - r * 0.9}" y="${cy - r * 0.9}" width="${r * 1.8}" height="${r * 1.8}" fill="${fill}"/>`);
        break;
      case 'triangle':
        els.push(`<polygon points="${pts([[cx, cy - r], [cx + r, cy + r * 0.8], [cx - r, cy + r * 0.8]])}" fill="${fill}"/>`);
        break;
      case 'star': {
        const star: [number, number][] = [];
        for (let i = 0; i < 10; i++) {
          const rad = i % 2 === 0 ? r * 1.1 : r * 1.1 * 0.45;
          const a = -Math.PI / 2 + (i * Math.PI) / 5;
          star.push([cx + rad * Math.cos(a), cy + rad * Math.sin(a)]);
        }
        els.push(`<polygon points="${pts(star)}" fill="${fill}"/>`);
        break;
      }
      case 'diamond':
        els.push(`<polygon points="${pts([[cx, cy - r], [cx + r * 0.8, cy], [cx, cy + r], [cx - r * 0.8, cy]])}" fill="${fill}"/>`);
        break;
    }
  }
  if (spec.code) {
    const o = L.codeOrigin(spec.code.text, spec.code.cell);
    const rects = textRects(o.x, o.y, spec.code.text, L.textScale);
    els.push(
      `<g fill="${rgb(SCENE_TEXT_COLOUR)}" shape-rendering="crispEdges">${rects
        .map((q) => `<rect x="${q.x}" y="${q.y}" width="${q.size}" height="${q.size}"/>`)
        .join('')}</g>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${els.join('')}</svg>`;
}

/**
 * The shipped default backend for the tiny checkpoints: draws exactly what a scene-domain image
 * prompt describes. It is a renderer, not a diffusion model, and says so in its note.
 */
export class SceneRenderer implements ImageBackend {
  readonly name = 'scene-renderer';

  constructor(private readonly size: { width: number; height: number } = { width: 384, height: 384 }) {}

  async generate(prompt: string, opts: ImageGenOptions = {}): Promise<BackendImage> {
    const spec = parseScenePrompt(prompt);
    const width = opts.width ?? this.size.width;
    const height = opts.height ?? this.size.height;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 48 || height < 48 || width > 2048 || height > 2048) {
      throw new MgmError('BAD_REQUEST', `scene size ${width}x${height} is outside 48..2048 pixels`);
    }
    const png = await sharp(Buffer.from(sceneSvg(spec, width, height))).png().toBuffer();
    return { png: new Uint8Array(png), width, height, backend: this.name, note: SCENE_RENDERER_NOTE };
  }
}
