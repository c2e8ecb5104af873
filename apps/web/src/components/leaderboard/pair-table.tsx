import type { LeaderboardPair } from '@mgm/protocol';

/** Head-to-head records of the pairs of models that met in the arena (a list that wraps on a phone). */
export function PairTable({ pairs, displayName }: { pairs: readonly LeaderboardPair[]; displayName: (id: string) => string }) {
  const row = 'grid grid-cols-[minmax(0,1fr)_auto] gap-x-3 gap-y-1.5 px-3 py-2.5 sm:grid-cols-[minmax(0,1fr)_4rem_18rem] sm:items-center';
  return (
    <div className="overflow-hidden rounded-xl border border-slate-200 bg-surface text-sm shadow-sm" data-testid="pair-table">
      <div className={`${row} hidden border-b border-slate-200 bg-slate-50 py-2 text-xs font-semibold uppercase tracking-wider text-slate-500 sm:grid`}>
        <span>Pair</span>
        <span className="text-right">Votes</span>
        <span>Record: first · ties · second</span>
      </div>
      <ul className="divide-y divide-slate-100">
        {pairs.map((pair) => {
          const width = (n: number) => `${(n / Math.max(1, pair.battles)) * 100}%`;
          return (
            <li key={`${pair.a}|${pair.b}`} className={row}>
              <span className="min-w-0">
                <span className="whitespace-nowrap font-medium text-slate-800" title={pair.a}>{displayName(pair.a)}</span>
                <span className="px-1.5 text-slate-400">vs</span>
                <span className="whitespace-nowrap font-medium text-slate-800" title={pair.b}>{displayName(pair.b)}</span>
              </span>
              <span className="text-right tabular-nums text-slate-600">
                {pair.battles}
                <span className="sm:hidden"> votes</span>
              </span>
              <span className="col-span-2 flex items-center gap-2 sm:col-span-1">
                <span className="flex h-2.5 w-28 shrink-0 overflow-hidden rounded-full bg-slate-100 sm:w-32" aria-hidden="true">
                  <span className="bg-sky-500" style={{ width: width(pair.aWins) }} />
                  <span className="bg-slate-300" style={{ width: width(pair.ties) }} />
                  <span className="bg-orange-500" style={{ width: width(pair.bWins) }} />
                </span>
                <span className="text-xs tabular-nums text-slate-600" title={`${displayName(pair.a)} won ${pair.aWins}, ${pair.ties} ties (${pair.bothBad} both bad), ${displayName(pair.b)} won ${pair.bWins}`}>
                  {pair.aWins} · {pair.ties}
                  {pair.bothBad > 0 ? ` (${pair.bothBad} both bad)` : ''} · {pair.bWins}
                </span>
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
