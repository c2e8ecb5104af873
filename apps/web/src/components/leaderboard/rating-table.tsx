import type { LeaderboardEntry } from '@mgm/protocol';
import { formatInterval, isPreliminary, PRELIMINARY_VOTES } from '@/lib/leaderboard/preliminary.ts';

const percent = (value: number) => `${Math.round(value * 100)}%`;

/** The 95 % interval as a bar on a scale shared by every row, with the rating as a dot. */
function IntervalBar({ entry, low, high }: { entry: LeaderboardEntry; low: number; high: number }) {
  const span = Math.max(1, high - low);
  const at = (value: number) => `${((value - low) / span) * 100}%`;
  return (
    <div className="relative h-4 w-full min-w-24" aria-hidden="true">
      <div className="absolute inset-y-[7px] left-0 right-0 rounded-full bg-slate-100" />
      <div className="absolute inset-y-[5px] rounded-full bg-brand-200" style={{ left: at(entry.ciLow), width: `calc(${at(entry.ciHigh)} - ${at(entry.ciLow)})` }} />
      <div className="absolute top-[3px] size-2.5 -translate-x-1/2 rounded-full border-2 border-surface bg-brand-600 shadow" style={{ left: at(entry.rating) }} />
    </div>
  );
}

/**
 * Rank, rating with its interval, record and rates of every rated model. A model with fewer than
 * PRELIMINARY_VOTES votes has a greyed, preliminary rating and no rank.
 */
export function RatingTable({ models, displayName }: { models: readonly LeaderboardEntry[]; displayName: (id: string) => string }) {
  const low = Math.min(...models.map((m) => m.ciLow));
  const high = Math.max(...models.map((m) => m.ciHigh));
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-surface shadow-sm">
      <table className="w-full text-[13px] sm:text-sm [&_td]:px-1.5 [&_th]:px-1.5 sm:[&_td]:px-3 sm:[&_th]:px-3" data-testid="leaderboard-table">
        <thead className="border-b border-slate-200 bg-slate-50 text-left text-xs uppercase tracking-wider text-slate-500">
          <tr>
            <th scope="col" className="hidden px-3 py-2.5 font-semibold sm:table-cell" title="1 + the number of models whose interval lies wholly above this one's">
              Rank
            </th>
            <th scope="col" className="px-3 py-2.5 font-semibold">
              Model
            </th>
            <th scope="col" className="px-3 py-2.5 text-right font-semibold" title="Bradley–Terry rating and its 95% bootstrap interval (low – high)">
              Rating
            </th>
            <th scope="col" className="hidden w-1/5 px-3 py-2.5 font-semibold md:table-cell">
              <span className="sr-only">Interval</span>
            </th>
            <th scope="col" className="px-3 py-2.5 text-right font-semibold">
              Votes
            </th>
            <th scope="col" className="px-3 py-2.5 text-right font-semibold" title="wins / votes">
              <span className="sm:hidden">Wins</span>
              <span className="hidden sm:inline">Win rate</span>
            </th>
            <th scope="col" className="hidden px-3 py-2.5 text-right font-semibold sm:table-cell" title="ties, both-bad included">
              Ties
            </th>
            <th scope="col" className="px-3 py-2.5 text-right font-semibold" title="votes where both answers were bad">
              <span className="sm:hidden">Bad</span>
              <span className="hidden sm:inline">Both bad</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {models.map((entry) => {
            const preliminary = isPreliminary(entry.battles);
            const name = displayName(entry.model);
            return (
            <tr key={entry.model} data-testid="leaderboard-row" data-model={entry.model} data-preliminary={String(preliminary)} className="hover:bg-slate-50/60">
              <td className="hidden px-3 py-2.5 tabular-nums text-slate-500 sm:table-cell" title={preliminary ? `no rank below ${PRELIMINARY_VOTES} votes` : undefined}>
                {preliminary ? '–' : entry.rank}
              </td>
              <td className="px-3 py-2.5">
                <span className="block font-medium text-slate-900" data-testid="model-name">
                  {preliminary ? null : (
                    <span className="mr-1.5 text-xs font-normal text-slate-400 sm:hidden" title="rank">
                      {entry.rank}.
                    </span>
                  )}
                  {name}
                </span>
                {name !== entry.model ? <span className="block text-[11px] text-slate-400">{entry.model}</span> : null}
              </td>
              <td className="px-3 py-2.5 text-right tabular-nums" title={`95% interval ${entry.ciLow.toFixed(1)} – ${entry.ciHigh.toFixed(1)}`}>
                <span className={`block font-semibold ${preliminary ? 'text-slate-400' : ''}`} data-testid="rating">
                  {Math.round(entry.rating)}
                </span>
                <span className="block whitespace-nowrap text-[11px] text-slate-500" data-testid="interval">
                  {formatInterval(entry.ciLow, entry.ciHigh)}
                </span>
                {preliminary ? (
                  <span
                    className="mt-0.5 inline-block rounded bg-amber-50 px-1.5 py-0.5 text-[10px] font-medium text-amber-700"
                    data-testid="preliminary"
                    title={`${entry.battles} of the ${PRELIMINARY_VOTES} votes a rating needs`}
                  >
                    preliminary
                  </span>
                ) : null}
              </td>
              <td className="hidden px-3 py-2.5 md:table-cell">
                <IntervalBar entry={entry} low={low} high={high} />
              </td>
              <td className="px-3 py-2.5 text-right tabular-nums" data-testid="votes">
                {entry.battles}
              </td>
              <td className="px-3 py-2.5 text-right tabular-nums" title={`${entry.wins} won, ${entry.losses} lost`}>
                {percent(entry.winRate)}
              </td>
              <td className="hidden px-3 py-2.5 text-right tabular-nums text-slate-600 sm:table-cell">{entry.ties}</td>
              <td className="px-3 py-2.5 text-right tabular-nums text-slate-600" title={`${entry.bothBad} of ${entry.battles} votes`}>
                {percent(entry.bothBadRate)}
              </td>
            </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
