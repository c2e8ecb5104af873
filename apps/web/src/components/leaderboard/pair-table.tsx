import type { LeaderboardPair } from '@mgm/protocol';

/** Head-to-head records of the pairs of models that met in the arena. */
export function PairTable({ pairs }: { pairs: readonly LeaderboardPair[] }) {
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-sm" data-testid="pair-table">
        <thead className="border-b border-slate-200 bg-slate-50 text-left text-xs uppercase tracking-wider text-slate-500">
          <tr>
            <th scope="col" className="px-3 py-2 font-semibold">
              Pair
            </th>
            <th scope="col" className="px-3 py-2 text-right font-semibold">
              Votes
            </th>
            <th scope="col" className="px-3 py-2 font-semibold">
              Record (first · ties · second)
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {pairs.map((pair) => {
            const width = (n: number) => `${(n / Math.max(1, pair.battles)) * 100}%`;
            return (
              <tr key={`${pair.a}|${pair.b}`}>
                <td className="px-3 py-2">
                  <span className="font-medium text-slate-800">{pair.a}</span>
                  <span className="px-1.5 text-slate-400">vs</span>
                  <span className="font-medium text-slate-800">{pair.b}</span>
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{pair.battles}</td>
                <td className="px-3 py-2">
                  <div className="flex items-center gap-2">
                    <div className="flex h-2.5 w-28 overflow-hidden rounded-full bg-slate-100 sm:w-40" aria-hidden="true">
                      <div className="bg-sky-500" style={{ width: width(pair.aWins) }} />
                      <div className="bg-slate-300" style={{ width: width(pair.ties) }} />
                      <div className="bg-orange-500" style={{ width: width(pair.bWins) }} />
                    </div>
                    <span className="whitespace-nowrap text-xs tabular-nums text-slate-600">
                      {pair.aWins} · {pair.ties}
                      {pair.bothBad > 0 ? ` (${pair.bothBad} both bad)` : ''} · {pair.bWins}
                    </span>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
