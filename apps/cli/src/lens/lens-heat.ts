import type { ImageLens } from '@mgm/engine';

/**
 * Where one view's mining looked, on its HR feature map: a (grid*window)^2 map, row-major, of
 * each HR feature cell's weight times the window's cell count (1: the token spread its attention
 * evenly; M: all of it on this cell). Null when the lens has no attention.
 */
export function viewHeat(lens: ImageLens, view: number): { side: number; values: Float32Array } | null {
  if (lens.attention === null || lens.window === null) return null;
  const { grid, window: p } = lens;
  const side = grid * p;
  const m = p * p;
  const values = new Float32Array(side * side);
  const base = view * grid * grid * m;
  for (let t = 0; t < grid * grid; t++) {
    const r = Math.floor(t / grid);
    const c = t % grid;
    for (let k = 0; k < m; k++) {
      const y = r * p + Math.floor(k / p);
      const x = c * p + (k % p);
      values[y * side + x] = (lens.attention[base + t * m + k] as number) * m;
    }
  }
  return { side, values };
}

/** 0..1 on a log scale: twice the even share and below -> 0, `max` -> 1. */
export function heatLevel(value: number, max: number): number {
  if (value <= 2 || max <= 2) return 0;
  return Math.min(1, Math.log(value / 2) / Math.log(max / 2));
}

/** Heat colour (transparent, then yellow, then red) and its opacity for a level 0..1. */
export function heatColour(level: number): { rgb: [number, number, number]; alpha: number } {
  const g = level < 0.5 ? 230 : Math.round(230 * (1 - (level - 0.5) * 2));
  return { rgb: [255, g, 0], alpha: Math.min(0.85, level * 1.2) };
}
