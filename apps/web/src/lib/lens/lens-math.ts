import type { ImageLensWire } from '@mgm/protocol';

/** One LR token of one view. */
export interface LensCell {
  view: number;
  token: number;
}

/** The weights of one token's window, row-major (window * window of them), or null. */
export function windowWeights(lens: ImageLensWire, cell: LensCell): number[] | null {
  if (lens.attention === null || lens.window === null) return null;
  const m = lens.window * lens.window;
  const start = (cell.view * lens.grid * lens.grid + cell.token) * m;
  return lens.attention.slice(start, start + m);
}

/** A token's largest weight times M (1: it spread its attention evenly; M: all on one cell). */
export function peak(lens: ImageLensWire, cell: LensCell): number {
  const w = windowWeights(lens, cell);
  return w ? Math.max(...w) * w.length : 0;
}

/** The token that looks hardest (largest peak) in any view: the lens opens on it. */
export function hottestCell(lens: ImageLensWire): LensCell | null {
  if (lens.attention === null) return null;
  let best: LensCell | null = null;
  let bestPeak = -1;
  for (let view = 0; view < lens.views.length; view++) {
    for (let token = 0; token < lens.grid * lens.grid; token++) {
      const p = peak(lens, { view, token });
      if (p > bestPeak) {
        bestPeak = p;
        best = { view, token };
      }
    }
  }
  return best;
}

/** The square of the HR input that one token's window covers, in HR pixels. */
export function windowRegion(lens: ImageLensWire, cell: LensCell): { x: number; y: number; size: number } | null {
  const region = lens.views[cell.view]?.hrRegion;
  if (!region) return null;
  const size = region.size / lens.grid;
  return { x: region.x + (cell.token % lens.grid) * size, y: region.y + Math.floor(cell.token / lens.grid) * size, size };
}

/** 0..1 on a log scale: twice the even share and below -> 0, `max` -> 1. */
export function heatLevel(value: number, max: number): number {
  if (value <= 2 || max <= 2) return 0;
  return Math.min(1, Math.log(value / 2) / Math.log(max / 2));
}

/** Heat colour (yellow, then red) and its opacity for a level 0..1. */
export function heatRgba(level: number): [number, number, number, number] {
  const g = level < 0.5 ? 230 : Math.round(230 * (1 - (level - 0.5) * 2));
  return [255, g, 0, Math.round(255 * Math.min(0.85, level * 1.2))];
}

/**
 * The heat of some views over the HR input, hrSize x hrSize RGBA: each HR pixel takes the
 * weight (times M) of the HR feature cell under it in each view that mines it; the hottest wins.
 */
export function heatImage(lens: ImageLensWire, views: readonly number[]): Uint8ClampedArray<ArrayBuffer> | null {
  const hr = lens.hrSize;
  if (lens.attention === null || lens.window === null || hr === null) return null;
  const p = lens.window;
  const side = lens.grid * p;
  const m = p * p;
  const n = lens.grid * lens.grid;
  let max = 2;
  for (const v of views) for (let i = v * n * m; i < (v + 1) * n * m; i++) max = Math.max(max, (lens.attention[i] as number) * m);
  const out = new Uint8ClampedArray(hr * hr * 4);
  for (const v of views) {
    const region = lens.views[v]?.hrRegion;
    if (!region) continue;
    for (let y = Math.floor(region.y); y < region.y + region.size; y++) {
      const fy = Math.floor(((y - region.y + 0.5) * side) / region.size);
      for (let x = Math.floor(region.x); x < region.x + region.size; x++) {
        const fx = Math.floor(((x - region.x + 0.5) * side) / region.size);
        const token = Math.floor(fy / p) * lens.grid + Math.floor(fx / p);
        const k = (fy % p) * p + (fx % p);
        const level = heatLevel((lens.attention[(v * n + token) * m + k] as number) * m, max);
        const o = (y * hr + x) * 4;
        const rgba = heatRgba(level);
        if (rgba[3] > (out[o + 3] as number)) out.set(rgba, o);
      }
    }
  }
  return out;
}

/** Which views each heat map shows: the whole/global view, and the HD crops together. */
export function heatGroups(lens: ImageLensWire): { label: string; views: number[] }[] {
  if (lens.attention === null) return [];
  const names = lens.views.map((v) => v.name);
  const whole = names.flatMap((n, i) => (n === 'whole' || n === 'global' ? [i] : []));
  const crops = names.flatMap((n, i) => (n.startsWith('crop') ? [i] : []));
  return [
    ...(whole.length ? [{ label: names[whole[0] as number] === 'global' ? 'Mining, global view' : 'Where the mining looked', views: whole }] : []),
    ...(crops.length ? [{ label: 'Mining, HD crops', views: crops }] : []),
  ];
}
