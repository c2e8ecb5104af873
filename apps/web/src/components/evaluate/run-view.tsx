'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import type { EvaluationResult, EvaluationSnapshot } from '@mgm/evaluation';
import { AnswerError } from '@/components/generation/answer-error.tsx';
import { Button } from '@/components/ui/button.tsx';
import { CopyIcon, StopIcon, UploadIcon } from '@/components/ui/icons.tsx';
import { Spinner } from '@/components/ui/spinner.tsx';
import { exportUrl, fetchSnapshot, stopRun } from '@/lib/evaluate/evaluation-http.ts';
import { usePolledResource } from '@/lib/use-polled-resource.ts';
import { ModelProgress } from './model-progress.tsx';
import { SpeedAccuracyChart } from './speed-accuracy-chart.tsx';
import { TypeTable } from './type-table.tsx';
import { WrongAnswers } from './wrong-answers.tsx';

const STATUS_STYLE: Record<string, string> = {
  running: 'bg-brand-50 text-brand-700 ring-brand-200',
  done: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  stopped: 'bg-amber-50 text-amber-700 ring-amber-200',
  failed: 'bg-rose-50 text-rose-700 ring-rose-200',
  interrupted: 'bg-rose-50 text-rose-700 ring-rose-200',
};

/** A run, live while it goes (progress every second) and its results when it ends; `vs` compares with another run. */
export function RunView({ runId, vs }: { runId: string; vs: string | null }) {
  const fetcher = useCallback((signal: AbortSignal) => fetchSnapshot(runId, 'none', signal), [runId]);
  const { data: live, error } = usePolledResource<EvaluationSnapshot>(fetcher, 1000);
  const [results, setResults] = useState<EvaluationResult[] | null>(null);
  const [baseline, setBaseline] = useState<EvaluationSnapshot | null>(null);
  const [stopping, setStopping] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [isAdmin, setIsAdmin] = useState(false);
  const status = live?.run.status;

  // Only an admin can stop a run; everyone else reads it by its link.
  useEffect(() => {
    const controller = new AbortController();
    fetch('/api/admin/session', { credentials: 'same-origin', cache: 'no-store', signal: controller.signal }).then(
      (res) => setIsAdmin(res.ok),
      () => undefined,
    );
    return () => controller.abort();
  }, []);

  useEffect(() => {
    if (!status || status === 'running') return;
    const controller = new AbortController();
    fetchSnapshot(runId, 'all', controller.signal).then(
      (s) => setResults(s.results ?? []),
      (err: unknown) => {
        if (!controller.signal.aborted) setActionError(err instanceof Error ? err.message : String(err));
      },
    );
    return () => controller.abort();
  }, [runId, status]);

  useEffect(() => {
    if (!vs) return;
    const controller = new AbortController();
    fetchSnapshot(vs, 'none', controller.signal).then(setBaseline, () => setBaseline(null));
    return () => controller.abort();
  }, [vs]);

  const stop = async () => {
    setStopping(true);
    setActionError(null);
    try {
      await stopRun(runId);
    } catch (err) {
      setActionError(err instanceof Error ? err.message : String(err));
    } finally {
      setStopping(false);
    }
  };

  const copyLink = async () => {
    await navigator.clipboard?.writeText(window.location.href).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };

  const run = live?.run;
  return (
    <main className="min-h-0 flex-1 overflow-y-auto scrollbar-thin">
      <div className="mx-auto max-w-5xl space-y-6 px-4 py-6 sm:px-6 sm:py-8">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div className="min-w-0 space-y-1">
            <p className="text-sm">
              <Link href="/evaluate" className="font-medium text-brand-700 underline">
                Evaluate
              </Link>
              <span className="text-slate-400"> / run</span>
            </p>
            <h1 className="flex flex-wrap items-center gap-2 text-2xl font-semibold tracking-tight text-slate-900">
              {run ? `${run.set.name}: ${run.questions} questions × ${run.models.length} models` : 'Evaluation run'}
              {run ? (
                <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ${STATUS_STYLE[run.status]}`} data-testid="run-status">
                  {run.status}
                </span>
              ) : null}
            </h1>
            {run ? (
              <p className="text-sm text-slate-500">
                {run.params.temperature === 0 ? 'greedy' : `temperature ${run.params.temperature}`}, up to {run.params.maxNewTokens} tokens
                {run.sample ? `, sample of ${run.sample.size} (seed ${run.sample.seed})` : ''}
                {run.limit ? `, first ${run.limit}` : ''} · started {new Date(run.createdAt).toLocaleString()}
                {run.reason ? ` · ${run.reason}` : ''}
              </p>
            ) : null}
          </div>
          <div className="flex flex-wrap items-center gap-2">
            {run?.status === 'running' && isAdmin ? (
              <Button size="sm" variant="danger" onClick={() => void stop()} disabled={stopping} data-testid="stop-run">
                {stopping ? <Spinner className="size-3.5" /> : <StopIcon className="size-3.5" />} Stop
              </Button>
            ) : null}
            <Button size="sm" onClick={() => void copyLink()} title="a read-only link to this run">
              <CopyIcon className="size-3.5" /> {copied ? 'Copied' : 'Share link'}
            </Button>
            <a
              href={exportUrl(runId)}
              download
              className="inline-flex h-8 items-center gap-1.5 rounded-lg border border-slate-300 bg-white px-2.5 text-xs font-medium text-slate-700 shadow-sm hover:bg-slate-50"
            >
              <UploadIcon className="size-3.5 rotate-180" /> Export (JSONL)
            </a>
          </div>
        </div>

        {error ? <AnswerError error={{ code: 'INTERNAL', message: error }} /> : null}
        {actionError ? <AnswerError error={{ code: 'BAD_REQUEST', message: actionError }} /> : null}
        {!live && !error ? (
          <p className="flex items-center gap-2 text-sm text-slate-500">
            <Spinner className="size-4" /> Loading the run…
          </p>
        ) : null}

        {live ? (
          <>
            <ModelProgress summaries={live.summaries} />
            {baseline ? (
              <p className="text-sm text-slate-500" data-testid="compared-with">
                Differences (points) against <Link className="font-medium text-brand-700 underline" href={`/evaluate/${baseline.run.id}`}>the run of {new Date(baseline.run.createdAt).toLocaleString()}</Link>.
              </p>
            ) : null}
            <div className="grid gap-6 lg:grid-cols-2">
              <TypeTable summaries={live.summaries} baseline={baseline?.summaries} />
              <SpeedAccuracyChart summaries={live.summaries} />
            </div>
            {results && run ? (
              <WrongAnswers run={run} results={results} />
            ) : (
              <p className="text-sm text-slate-500">The answers each model got wrong appear here when the run ends.</p>
            )}
          </>
        ) : null}
      </div>
    </main>
  );
}
