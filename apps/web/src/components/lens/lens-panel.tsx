'use client';

import type { ImageLensWire } from '@mgm/protocol';
import { useMemo, useState } from 'react';
import { type LensCell, heatGroups, hottestCell } from '@/lib/lens/lens-math.ts';
import { useLens } from '@/lib/lens/use-lens.ts';
import { LensFigure, pngUrl } from './lens-figure.tsx';
import { LensHeatMap } from './lens-heat-map.tsx';
import { LensLrView } from './lens-lr-view.tsx';
import { LensWindow } from './lens-window.tsx';

function describe(lens: ImageLensWire, modelName: string): string {
  const tokens = lens.views.length * lens.grid * lens.grid;
  const lr = `${modelName} reads ${tokens} visual tokens: ${lens.views.length > 1 ? `${lens.views.length} views of ` : ''}a ${lens.grid}×${lens.grid} grid from a ${lens.lrSize} px input`;
  if (lens.architecture === 'llava') return `${lr}. It has no HR branch: this is all it sees.`;
  const mining = lens.window !== null ? `, each LR cell mining a ${lens.window}×${lens.window} window of the ${lens.hrSize} px input under it` : ` and a ${lens.hrSize} px HR input`;
  return `${lr}${mining}. Hover or tap an LR cell to see its window.`;
}

/** "What the model sees": the inputs as the model received them and where its mining looked. */
export function LensPanel({ jobId, modelName }: { jobId: string; modelName: string }) {
  const load = useLens(jobId);
  if (load.status === 'loading') return <p className="mt-2 text-xs text-slate-400" data-testid="lens-loading">Loading what the model saw…</p>;
  if (load.status === 'error') {
    return (
      <p className="mt-2 text-xs text-rose-600" data-testid="lens-error">
        {load.message}
      </p>
    );
  }
  return <LensReady lens={load.lens} modelName={modelName} />;
}

function LensReady({ lens, modelName }: { lens: ImageLensWire; modelName: string }) {
  const [selected, setSelected] = useState<LensCell | null>(() => hottestCell(lens));
  const groups = useMemo(() => heatGroups(lens), [lens]);
  return (
    <section
      className="mt-2 space-y-2 rounded-xl border border-slate-200 bg-slate-50 p-3"
      data-testid="lens-panel"
      data-architecture={lens.architecture}
      data-selected-view={selected?.view ?? ''}
      data-selected-token={selected?.token ?? ''}
    >
      <p className="text-xs text-slate-600">{describe(lens, modelName)}</p>
      <div className="flex flex-wrap gap-3">
        {lens.views.map((_, view) => (
          <LensLrView key={view} lens={lens} view={view} selected={selected} onSelect={setSelected} />
        ))}
        {lens.hr ? (
          <LensFigure caption={`HR input · ${lens.hrSize} px`} testId="lens-hr">
            {/* eslint-disable-next-line @next/next/no-img-element -- a data URL from the lens */}
            <img src={pngUrl(lens.hr.pngBase64)} alt={`HR input, ${lens.hrSize} by ${lens.hrSize} pixels`} className="size-full" />
          </LensFigure>
        ) : null}
        {groups.map((group) => (
          <LensHeatMap key={group.label} lens={lens} views={group.views} label={group.label} selected={selected} />
        ))}
        {selected ? <LensWindow lens={lens} cell={selected} /> : null}
      </div>
      {lens.missing ? <p className="text-xs text-amber-700" data-testid="lens-missing">{lens.missing}</p> : null}
    </section>
  );
}
