'use client';

import type { ImageLensWire } from '@mgm/protocol';
import type { LensCell } from '@/lib/lens/lens-math.ts';
import { LensFigure, pngUrl } from './lens-figure.tsx';

const VIEW_NAMES: Record<string, string> = { whole: 'LR input', global: 'LR global view' };

/**
 * One LR view as the model received it, upscaled without smoothing; with attention, each LR cell
 * is a target: hovering, focusing or tapping it shows its own window.
 */
export function LensLrView({ lens, view, selected, onSelect }: { lens: ImageLensWire; view: number; selected: LensCell | null; onSelect: (cell: LensCell) => void }) {
  const v = lens.views[view];
  if (!v) return null;
  const name = VIEW_NAMES[v.name] ?? `LR ${v.name.replace('crop', 'crop ')}`;
  const cells = lens.attention !== null ? lens.grid * lens.grid : 0;
  return (
    <LensFigure caption={`${name} · ${lens.lrSize} px`} testId="lens-lr">
      {/* eslint-disable-next-line @next/next/no-img-element -- a data URL from the lens */}
      <img src={pngUrl(v.lr.pngBase64)} alt={`${name}, ${lens.lrSize} by ${lens.lrSize} pixels, as the model received it`} className="size-full" style={{ imageRendering: 'pixelated' }} />
      {cells > 0 ? (
        <div className="absolute inset-0 grid" style={{ gridTemplateColumns: `repeat(${lens.grid}, 1fr)` }}>
          {Array.from({ length: cells }, (_, token) => {
            const isSelected = selected?.view === view && selected.token === token;
            const row = Math.floor(token / lens.grid);
            const col = token % lens.grid;
            return (
              <button
                key={token}
                type="button"
                tabIndex={isSelected ? 0 : -1}
                aria-label={`${name}: LR cell row ${row + 1}, column ${col + 1}`}
                aria-pressed={isSelected}
                data-testid="lens-cell"
                data-view={view}
                data-token={token}
                onMouseEnter={() => onSelect({ view, token })}
                onFocus={() => onSelect({ view, token })}
                onClick={() => onSelect({ view, token })}
                className={isSelected ? 'outline outline-2 -outline-offset-2 outline-sky-500' : 'hover:bg-sky-400/20'}
              />
            );
          })}
        </div>
      ) : null}
    </LensFigure>
  );
}
