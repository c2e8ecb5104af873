import type { ImageLensWire } from '@mgm/protocol';
import { describe, expect, it } from 'vitest';
import { heatGroups, heatImage, hottestCell, windowRegion, windowWeights } from './lens-math.ts';

const png = { width: 4, height: 4, pngBase64: 'x' };
/** A 2x2-token view over an 8 px HR input, windows of 2x2: token 3 looks at its last cell only. */
function lens(): ImageLensWire {
  const attention = Array.from({ length: 4 * 4 }, () => 0.25);
  attention.splice(12, 4, 0, 0, 0, 1);
  return { jobId: 'j', model: 'm', architecture: 'mgm', lrSize: 4, hrSize: 8, grid: 2, window: 2, views: [{ name: 'whole', lr: png, hrRegion: { x: 0, y: 0, size: 8 } }], hr: png, attention };
}

describe('lens math', () => {
  it('finds the hottest token, its weights and the HR square it mines', () => {
    const l = lens();
    expect(hottestCell(l)).toEqual({ view: 0, token: 3 });
    expect(windowWeights(l, { view: 0, token: 3 })).toEqual([0, 0, 0, 1]);
    expect(windowRegion(l, { view: 0, token: 3 })).toEqual({ x: 4, y: 4, size: 4 });
  });

  it('paints the heat on the HR pixels of the looked-at cell only', () => {
    const heat = heatImage(lensWithGroups(), [0]) as Uint8ClampedArray;
    const alpha = (x: number, y: number) => heat[(y * 8 + x) * 4 + 3];
    expect(alpha(6, 6)).toBeGreaterThan(150);
    expect(alpha(4, 4)).toBe(0);
    expect(alpha(1, 1)).toBe(0);
  });

  it('has no heat for a lens without attention (llava)', () => {
    const l = { ...lens(), architecture: 'llava' as const, attention: null, window: null, hr: null, hrSize: null };
    expect(heatGroups(l)).toEqual([]);
    expect(heatImage(l, [0])).toBeNull();
    expect(hottestCell(l)).toBeNull();
  });
});

function lensWithGroups(): ImageLensWire {
  const l = lens();
  expect(heatGroups(l)).toEqual([{ label: 'Where the mining looked', views: [0] }]);
  return l;
}
