'use client';

import type { ImageLensWire } from '@mgm/protocol';
import { useEffect, useRef } from 'react';
import { type LensCell, heatImage, windowRegion } from '@/lib/lens/lens-math.ts';
import { LensFigure, pngUrl } from './lens-figure.tsx';

/** The HR input with the heat of where some views' mining looked, and the selected window outlined. */
export function LensHeatMap({ lens, views, label, selected }: { lens: ImageLensWire; views: number[]; label: string; selected: LensCell | null }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const hr = lens.hrSize as number;
  useEffect(() => {
    const heat = heatImage(lens, views);
    const ctx = canvas.current?.getContext('2d');
    if (!heat || !ctx) return;
    ctx.putImageData(new ImageData(heat, hr, hr), 0, 0);
  }, [lens, views, hr]);
  const win = selected && views.includes(selected.view) ? windowRegion(lens, selected) : null;
  const pct = (v: number) => `${(v * 100) / hr}%`;
  return (
    <LensFigure caption={label} testId="lens-heat-figure">
      {/* eslint-disable-next-line @next/next/no-img-element -- a data URL from the lens */}
      <img src={pngUrl(lens.hr?.pngBase64 ?? '')} alt="" className="size-full opacity-60 grayscale" />
      <canvas ref={canvas} width={hr} height={hr} className="absolute inset-0 size-full" style={{ imageRendering: 'pixelated' }} data-testid="lens-heat" aria-label={`${label}: heat map over the HR input`} role="img" />
      {win ? <div className="pointer-events-none absolute border-2 border-sky-500" style={{ left: pct(win.x), top: pct(win.y), width: pct(win.size), height: pct(win.size) }} data-testid="lens-heat-window" /> : null}
    </LensFigure>
  );
}
