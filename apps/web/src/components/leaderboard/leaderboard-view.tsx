'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import { AnswerError } from '@/components/generation/answer-error.tsx';
import { Button } from '@/components/ui/button.tsx';
import { RefreshIcon, UploadIcon } from '@/components/ui/icons.tsx';
import { Spinner } from '@/components/ui/spinner.tsx';
import { useLeaderboard } from '@/lib/leaderboard/use-leaderboard.ts';
import { PRELIMINARY_VOTES } from '@/lib/leaderboard/preliminary.ts';
import { useModels } from '@/lib/use-models.ts';
import { VOTES_EXPORT_URL } from '@/lib/votes-http.ts';
import { PairTable } from './pair-table.tsx';
import { RatingTable } from './rating-table.tsx';

function Stat({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: string; testId?: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-surface px-4 py-3 shadow-sm" title={hint}>
      <p className="text-xs font-medium uppercase tracking-wider text-slate-400">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </p>
    </div>
  );
}

export function LeaderboardView() {
  const { board, loading, error, refresh } = useLeaderboard();
  const { models: live } = useModels(30_000);
  const displayName = (id: string) => live.find((model) => model.id === id)?.displayName ?? id;
  const preliminary = board?.models.filter((entry) => entry.battles < PRELIMINARY_VOTES).length ?? 0;
  const notCounted = board?.votes.notCounted.reduce((sum, item) => sum + item.count, 0) ?? 0;
  return (
    <main className="min-h-0 flex-1 overflow-y-auto scrollbar-thin">
      <div className="mx-auto max-w-5xl space-y-6 px-4 py-6 sm:px-6 sm:py-8">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div className="space-y-1">
            <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Leaderboard</h1>
            <p className="max-w-2xl text-sm text-slate-500">
              Bradley–Terry ratings from the blind votes of the <Link href="/arena" className="font-medium text-brand-700 underline">arena</Link>,
              on the Elo scale (mean 1000), with 95% bootstrap intervals. Ties and “both bad” count as half a win for each side.
            </p>
          </div>
          <div className="flex items-center gap-2">
            <Button size="sm" variant="ghost" onClick={refresh} disabled={loading} aria-label="Refresh">
              {loading ? <Spinner className="size-3.5" /> : <RefreshIcon className="size-4" />} Refresh
            </Button>
            <a
              href={VOTES_EXPORT_URL}
              download
              title="Needs the admin session (log in at /admin): the export holds everyone's conversations"
              className="inline-flex h-8 items-center gap-1.5 rounded-lg border border-slate-300 bg-surface px-2.5 text-xs font-medium text-slate-700 shadow-sm hover:bg-slate-50"
            >
              <UploadIcon className="size-3.5 rotate-180" /> Export votes (JSONL, admin)
            </a>
          </div>
        </div>

        {error ? <AnswerError error={{ code: 'INTERNAL', message: error }} /> : null}

        {board ? (
          <>
            <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
              <Stat label="Blind votes" value={board.votes.counted} hint="arena votes that enter the ratings" testId="counted-votes" />
              <Stat label="Models" value={board.models.length} testId="rated-models" />
              <Stat label="Named votes" value={board.votes.named} hint="compare-page votes: recorded and exported, not rated" testId="named-votes" />
              <Stat
                label="Not counted"
                value={notCounted}
                hint={board.votes.notCounted.map((item) => `${item.count}: ${item.reason}`).join('\n') || 'none'}
                testId="not-counted-votes"
              />
            </div>

            {board.models.length > 0 ? (
              <>
                {preliminary > 0 ? (
                  <p className="text-xs text-amber-700" data-testid="preliminary-note">
                    {preliminary === board.models.length ? 'Every rating is' : `${preliminary} of ${board.models.length} ratings are`} preliminary:
                    a model needs {PRELIMINARY_VOTES} blind votes before its rating and rank mean much. Keep voting in the arena.
                  </p>
                ) : null}
                <RatingTable models={board.models} displayName={displayName} />
                {board.method.regularized ? (
                  <p className="text-xs text-amber-700">
                    With these few votes a model never lost (or never won) against the rest, so the exact maximum-likelihood ratings
                    are infinite; one virtual tie per pair of models keeps them finite. More votes remove it.
                  </p>
                ) : null}
                <section className="space-y-2">
                  <h2 className="text-sm font-semibold text-slate-700">Head to head</h2>
                  <PairTable pairs={board.pairs} displayName={displayName} />
                </section>
              </>
            ) : (
              <div className="rounded-xl border border-dashed border-slate-300 bg-surface px-6 py-10 text-center" data-testid="leaderboard-empty">
                <p className="font-medium text-slate-700">No blind votes yet</p>
                <p className="mt-1 text-sm text-slate-500">
                  Vote in the <Link href="/arena" className="font-medium text-brand-700 underline">arena</Link>: two anonymous models
                  answer, you pick the better one, and the ratings appear here.
                </p>
              </div>
            )}

            <p className="text-xs text-slate-400">
              {board.method.bootstrapRounds} bootstrap rounds (seed {board.method.seed}) ·{' '}
              {board.votes.lastRecordedAt ? `last vote ${new Date(board.votes.lastRecordedAt).toLocaleString()}` : 'no vote yet'} · a vote counts
              when both answers finished, the names were hidden, and no answer named a model.
            </p>
          </>
        ) : loading ? (
          <div className="flex items-center gap-2 text-sm text-slate-500">
            <Spinner /> Loading the leaderboard…
          </div>
        ) : null}
      </div>
    </main>
  );
}
