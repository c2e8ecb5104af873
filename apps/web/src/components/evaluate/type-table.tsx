import type { ModelSummary } from '@mgm/evaluation';
import { pct } from './percent.ts';

/** Question types down, models across: score, 95 % interval and n in each cell; overall last. */
export function TypeTable({ summaries, baseline }: { summaries: readonly ModelSummary[]; baseline?: readonly ModelSummary[] }) {
  const types = [...new Set(summaries.flatMap((s) => s.byType.map((t) => t.type)))].sort();
  const delta = (model: string, type: string | null, value: number) => {
    const base = baseline?.find((b) => b.model === model);
    if (!base) return null;
    const before = type === null ? (base.done > 0 ? base.score.overall : null) : base.byType.find((t) => t.type === type)?.accuracy ?? null;
    if (before === null) return null;
    const d = value - before;
    return (
      <span className={`ml-1 text-[11px] ${d > 0.0005 ? 'text-emerald-600' : d < -0.0005 ? 'text-rose-600' : 'text-slate-400'}`} title="against the compared run">
        {d >= 0 ? '+' : ''}
        {(d * 100).toFixed(1)}
      </span>
    );
  };
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-[13px] sm:text-sm" data-testid="type-table">
        <thead className="border-b border-slate-200 bg-slate-50 text-left text-xs uppercase tracking-wider text-slate-500">
          <tr>
            <th scope="col" className="px-3 py-2.5 font-semibold">
              Type
            </th>
            {summaries.map((s) => (
              <th key={s.model} scope="col" className="px-3 py-2.5 text-right font-semibold normal-case tracking-normal">
                {s.model}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {types.map((type) => (
            <tr key={type}>
              <th scope="row" className="px-3 py-2 text-left font-medium text-slate-700">
                {type}
                <span className="ml-1 text-[11px] font-normal text-slate-400">{summaries.find((s) => s.byType.some((t) => t.type === type))?.byType.find((t) => t.type === type)?.metric === 'f1' ? 'token F1' : 'exact'}</span>
              </th>
              {summaries.map((s) => {
                const t = s.byType.find((x) => x.type === type);
                return (
                  <td key={s.model} className="px-3 py-2 text-right tabular-nums">
                    {t ? (
                      <>
                        <span className="font-semibold text-slate-900">{pct(t.accuracy)}</span>
                        {delta(s.model, type, t.accuracy)}
                        <span className="block text-[11px] text-slate-400">
                          {pct(t.interval.low, 0)}–{pct(t.interval.high, 0)} · n={t.n}
                        </span>
                      </>
                    ) : (
                      <span className="text-slate-300">—</span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
          <tr className="bg-slate-50/60">
            <th scope="row" className="px-3 py-2 text-left font-semibold text-slate-900">
              overall <span className="text-[11px] font-normal text-slate-400">exact, short answers</span>
            </th>
            {summaries.map((s) => (
              <td key={s.model} className="px-3 py-2 text-right tabular-nums" data-testid="overall" data-model={s.model}>
                <span className="font-semibold text-slate-900">{s.done > 0 ? pct(s.score.overall) : '—'}</span>
                {s.done > 0 ? delta(s.model, null, s.score.overall) : null}
                <span className="block text-[11px] text-slate-400">
                  {pct(s.overallInterval.low, 0)}–{pct(s.overallInterval.high, 0)} · n={s.byType.filter((t) => t.metric === 'exact').reduce((n, t) => n + t.n, 0)}
                </span>
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
