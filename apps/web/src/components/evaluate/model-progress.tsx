import type { ModelSummary } from '@mgm/evaluation';
import { formatMs, formatRate } from '@/lib/format.ts';
import { pct } from './percent.ts';

/** One card per model: done / total, accuracy so far (with its interval), median tokens/s and TTFT. */
export function ModelProgress({ summaries }: { summaries: readonly ModelSummary[] }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="model-progress">
      {summaries.map((s) => {
        const share = s.total === 0 ? 0 : s.done / s.total;
        return (
          <div key={s.model} className="rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm" data-testid="model-card" data-model={s.model}>
            <div className="flex items-baseline justify-between gap-2">
              <p className="truncate font-semibold text-slate-900">{s.model}</p>
              <p className="text-xs text-slate-500">{s.dtype}</p>
            </div>
            <div className="mt-2 h-2 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-valuemin={0} aria-valuemax={s.total} aria-valuenow={s.done} aria-label={`${s.model} progress`}>
              <div className="h-full rounded-full bg-brand-600 transition-[width]" style={{ width: `${share * 100}%` }} />
            </div>
            <dl className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1 text-xs">
              <dt className="text-slate-500">done</dt>
              <dd className="text-right tabular-nums text-slate-900" data-testid="done">
                {s.done} / {s.total}
              </dd>
              <dt className="text-slate-500">accuracy</dt>
              <dd className="text-right tabular-nums text-slate-900" title="exact match over the short-answer types, 95% Wilson interval">
                <span className="font-semibold" data-testid="accuracy">{s.done > 0 ? pct(s.score.overall) : '—'}</span>
                {s.done > 0 ? <span className="text-slate-400"> ({pct(s.overallInterval.low, 0)}–{pct(s.overallInterval.high, 0)})</span> : null}
              </dd>
              <dt className="text-slate-500">tokens/s</dt>
              <dd className="text-right tabular-nums text-slate-900">{s.medianTokensPerSecond === null ? '—' : formatRate(s.medianTokensPerSecond)}</dd>
              <dt className="text-slate-500">TTFT</dt>
              <dd className="text-right tabular-nums text-slate-900">{s.medianTtftMs === null ? '—' : formatMs(s.medianTtftMs)}</dd>
              {s.failures > 0 ? (
                <>
                  <dt className="text-rose-600">failed</dt>
                  <dd className="text-right tabular-nums text-rose-600">{s.failures}</dd>
                </>
              ) : null}
            </dl>
          </div>
        );
      })}
    </div>
  );
}
