import type { ImageLens, LensPicture } from '@mgm/engine';
import sharp from 'sharp';
import { heatColour, heatLevel, viewHeat } from './lens-heat.ts';

const PANEL = 192;
const GAP = 14;
const LABEL = 22;
const BG = 255;

interface Panel {
  label: string;
  draw: (out: Uint8Array, width: number, x0: number, y0: number) => void;
}

const escapeXml = (s: string): string => s.replace(/[<>&"']/gu, (c) => `&#${c.charCodeAt(0)};`);

/** Nearest-neighbour copy of a picture (or a square region of it) into a PANEL x PANEL square. */
function picturePanel(p: LensPicture, region = { x: 0, y: 0, size: p.width }): Panel['draw'] {
  return (out, width, x0, y0) => {
    for (let y = 0; y < PANEL; y++) {
      const sy = Math.min(p.height - 1, Math.floor(region.y + ((y + 0.5) * region.size) / PANEL));
      for (let x = 0; x < PANEL; x++) {
        const sx = Math.min(p.width - 1, Math.floor(region.x + ((x + 0.5) * region.size) / PANEL));
        out.set(p.rgb.subarray((sy * p.width + sx) * 3, (sy * p.width + sx) * 3 + 3), ((y0 + y) * width + x0 + x) * 3);
      }
    }
  };
}

/** The HR input greyed, with the heat of the given views over the parts of it they mine. */
function heatPanel(lens: ImageLens, views: number[]): Panel['draw'] {
  const hr = lens.hr as LensPicture;
  const heats = views.map((v) => ({ heat: viewHeat(lens, v), region: lens.views[v]?.hrRegion }));
  const max = Math.max(1.0001, ...heats.flatMap((h) => (h.heat ? Array.from(h.heat.values) : [])));
  return (out, width, x0, y0) => {
    for (let y = 0; y < PANEL; y++) {
      for (let x = 0; x < PANEL; x++) {
        const hx = ((x + 0.5) * hr.width) / PANEL;
        const hy = ((y + 0.5) * hr.height) / PANEL;
        const i = (Math.floor(hy) * hr.width + Math.floor(hx)) * 3;
        const grey = 0.3 * (hr.rgb[i] as number) + 0.59 * (hr.rgb[i + 1] as number) + 0.11 * (hr.rgb[i + 2] as number);
        let level = 0;
        for (const { heat, region } of heats) {
          if (!heat || !region || hx < region.x || hy < region.y || hx >= region.x + region.size || hy >= region.y + region.size) continue;
          const fx = Math.floor(((hx - region.x) * heat.side) / region.size);
          const fy = Math.floor(((hy - region.y) * heat.side) / region.size);
          level = Math.max(level, heatLevel(heat.values[fy * heat.side + fx] as number, max));
        }
        const { rgb, alpha } = heatColour(level);
        const o = ((y0 + y) * width + x0 + x) * 3;
        for (let c = 0; c < 3; c++) out[o + c] = Math.round(grey * 0.85 * (1 - alpha) + (rgb[c] as number) * alpha);
      }
    }
  };
}

/** The panels of a lens: LR views, then (with an HR branch) the HR input and the mining heat. */
export function lensPanels(lens: ImageLens): Panel[][] {
  const lr: Panel[] = lens.views.map((v) => ({ label: `LR ${v.name} (${lens.lrSize} px)`, draw: picturePanel(v.lr) }));
  if (lens.hr === null) return [lr];
  const hr: Panel[] = [{ label: `HR input (${lens.hrSize} px)`, draw: picturePanel(lens.hr) }];
  if (lens.attention !== null) {
    const names = lens.views.map((v) => v.name);
    const crops = names.flatMap((n, i) => (n.startsWith('crop') ? [i] : []));
    const whole = names.flatMap((n, i) => (n === 'whole' || n === 'global' ? [i] : []));
    if (whole.length) hr.push({ label: `mining: ${names[whole[0] as number]} view`, draw: heatPanel(lens, whole) });
    if (crops.length) hr.push({ label: 'mining: HD crops', draw: heatPanel(lens, crops) });
  }
  return [lr, hr];
}

/**
 * `mgm ask --explain`: one PNG of what the model saw. Row 1: each LR view upscaled without
 * smoothing; row 2: the HR input and the heat of where the mining looked over it. `lines` go on
 * top (model, question, answer, and anything the lens lacks).
 */
export async function lensFigure(lens: ImageLens, lines: string[]): Promise<Buffer> {
  const rows = lensPanels(lens);
  const notes = [...lines];
  if (lens.missing) notes.push(lens.missing);
  if (lens.architecture === 'llava') notes.push('no HR branch: the LLM sees only this LR input');
  const head = GAP + notes.length * 20;
  const textWidth = Math.ceil(2 * GAP + 8 * Math.max(0, ...notes.map((t) => t.length)));
  const width = Math.max(textWidth, GAP + Math.max(...rows.map((r) => r.length)) * (PANEL + GAP));
  const height = head + rows.length * (LABEL + PANEL + GAP) + GAP / 2;
  const out = new Uint8Array(width * height * 3).fill(BG);
  const texts: string[] = notes.map((t, i) => `<text x="${GAP}" y="${GAP + 14 + i * 20}" font-size="14">${escapeXml(t)}</text>`);
  rows.forEach((row, r) => {
    const y = head + r * (LABEL + PANEL + GAP);
    row.forEach((panel, c) => {
      const x = GAP + c * (PANEL + GAP);
      texts.push(`<text x="${x}" y="${y + 15}" font-size="13">${escapeXml(panel.label)}</text>`);
      panel.draw(out, width, x, y + LABEL);
    });
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g font-family="DejaVu Sans, sans-serif" fill="#222">${texts.join('')}</g></svg>`;
  return sharp(Buffer.from(out.buffer), { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
}
