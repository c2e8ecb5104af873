'use client';

import { useState } from 'react';
import type { ModelSummary } from '@mgm/evaluation';
import { layoutSpeedAccuracy, type SpeedAxis } from '@/lib/evaluate/speed-accuracy-chart.ts';
import { pct } from './percent.ts';

const COLORS = ['#4f46e5', '#e11d48', '#059669', '#d97706', '#0891b2', '#7c3aed', '#db2777', '#65a30d'];

/** Each model a point: median speed (tokens/s or TTFT) against accuracy, with its 95 % Wilson interval. */
export function SpeedAccuracyChart({ summaries }: { summaries: readonly ModelSummary[] }) {
  const [axis, setAxis] = useState<SpeedAxis>('tokensPerSecond');
  const layout = layoutSpeedAccuracy(summaries, axis);
  const { plot } = layout;
  return (
    <figure className="rounded-xl border border-slate-200 bg-white p-3 shadow-sm sm:p-4" data-testid="speed-accuracy-chart">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <figcaption className="text-sm font-semibold text-slate-900">Speed vs accuracy</figcaption>
        <div className="inline-flex rounded-lg border border-slate-200 p-0.5 text-xs" role="group" aria-label="Speed axis">
          {(['tokensPerSecond', 'ttft'] as const).map((a) => (
            <button
              key={a}
              type="button"
              aria-pressed={axis === a}
              onClick={() => setAxis(a)}
              className={`rounded-md px-2 py-1 font-medium ${axis === a ? 'bg-brand-600 text-white' : 'text-slate-600 hover:bg-slate-100'}`}
            >
              {a === 'ttft' ? 'TTFT' : 'tokens/s'}
            </button>
          ))}
        </div>
      </div>
      <svg viewBox={`0 0 ${layout.width} ${layout.height}`} className="h-auto w-full" role="img" aria-label={`Accuracy against ${layout.xLabel}`}>
        {layout.yTicks.map((t) => (
          <g key={t.label}>
            <line x1={plot.left} x2={plot.right} y1={t.y} y2={t.y} stroke="#e2e8f0" />
            <text x={plot.left - 6} y={t.y + 4} textAnchor="end" fontSize="11" fill="#64748b">
              {t.label}
            </text>
          </g>
        ))}
        {layout.xTicks.map((t) => (
          <text key={t.label} x={t.x} y={plot.bottom + 16} textAnchor="middle" fontSize="11" fill="#64748b">
            {t.label}
          </text>
        ))}
        <line x1={plot.left} x2={plot.right} y1={plot.bottom} y2={plot.bottom} stroke="#94a3b8" />
        <text x={(plot.left + plot.right) / 2} y={layout.height - 6} textAnchor="middle" fontSize="11" fill="#475569">
          {layout.xLabel}
        </text>
        <text x={12} y={(plot.top + plot.bottom) / 2} textAnchor="middle" fontSize="11" fill="#475569" transform={`rotate(-90 12 ${(plot.top + plot.bottom) / 2})`}>
          accuracy (short answers)
        </text>
        {layout.points.map((p) => {
          const color = COLORS[summaries.findIndex((s) => s.model === p.model) % COLORS.length];
          const right = p.x > plot.right - 120;
          return (
            <g key={p.model} data-testid="chart-point" data-model={p.model}>
              <title>{`${p.model}: ${pct(p.accuracy)} at ${axis === 'ttft' ? `${Math.round(p.speed)} ms` : `${p.speed.toFixed(1)} tok/s`}`}</title>
              <line x1={p.x} x2={p.x} y1={p.yLow} y2={p.yHigh} stroke={color} strokeWidth="2" opacity="0.5" />
              <line x1={p.x - 5} x2={p.x + 5} y1={p.yLow} y2={p.yLow} stroke={color} strokeWidth="2" opacity="0.5" />
              <line x1={p.x - 5} x2={p.x + 5} y1={p.yHigh} y2={p.yHigh} stroke={color} strokeWidth="2" opacity="0.5" />
              <circle cx={p.x} cy={p.y} r="6" fill={color} stroke="white" strokeWidth="2" />
              <text x={right ? p.x - 10 : p.x + 10} y={p.y - 8} textAnchor={right ? 'end' : 'start'} fontSize="12" fontWeight="600" fill="#0f172a">
                {p.model}
              </text>
            </g>
          );
        })}
      </svg>
      {layout.missing.length > 0 ? <p className="mt-1 text-xs text-slate-500">No answer yet from {layout.missing.join(', ')}.</p> : null}
    </figure>
  );
}
