'use client';

import type { ImageLensWire } from '@mgm/protocol';
import { type LensCell, heatLevel, heatRgba, windowRegion, windowWeights } from '@/lib/lens/lens-math.ts';
import { LensFigure, pngUrl } from './lens-figure.tsx';

/** One LR cell's own HR window, magnified, with its softmax weights (percent) on each HR feature cell. */
export function LensWindow({ lens, cell }: { lens: ImageLensWire; cell: LensCell }) {
  const weights = windowWeights(lens, cell);
  const region = windowRegion(lens, cell);
  if (!weights || !region || lens.window === null || lens.hr === null || lens.hrSize === null) return null;
  const p = lens.window;
  const max = Math.max(...weights) * weights.length;
  const row = Math.floor(cell.token / lens.grid) + 1;
  const col = (cell.token % lens.grid) + 1;
  const scale = 100 / region.size; // percent of the figure per HR pixel
  return (
    <LensFigure caption={`${lens.views[cell.view]?.name ?? ''} cell ${row},${col}: its ${p}×${p} HR window (weights %)`} testId="lens-window">
      <div
        className="absolute inset-0"
        style={{
          backgroundImage: `url(${pngUrl(lens.hr.pngBase64)})`,
          backgroundSize: `${lens.hrSize * scale}% ${lens.hrSize * scale}%`,
          backgroundPosition: `${(region.x / Math.max(1, lens.hrSize - region.size)) * 100}% ${(region.y / Math.max(1, lens.hrSize - region.size)) * 100}%`,
          imageRendering: 'pixelated',
        }}
      />
      <div className="absolute inset-0 grid" style={{ gridTemplateColumns: `repeat(${p}, 1fr)` }} data-testid="lens-window-weights">
        {weights.map((w, k) => {
          const [r, g, b, a] = heatRgba(heatLevel(w * weights.length, max));
          return (
            <div
              key={k}
              title={`weight ${w.toFixed(4)}`}
              data-weight={w}
              className="flex items-center justify-center text-[8px] font-semibold text-slate-900 sm:text-[9px]"
              style={{ backgroundColor: `rgba(${r},${g},${b},${(a / 255) * 0.8})` }}
            >
              {w >= 0.05 ? Math.round(w * 100) : ''}
            </div>
          );
        })}
      </div>
    </LensFigure>
  );
}
