'use client';

import Link from 'next/link';
import { useCallback, useState } from 'react';
import type { EvaluationRun } from '@mgm/evaluation';
import { AnswerError } from '@/components/generation/answer-error.tsx';
import { Spinner } from '@/components/ui/spinner.tsx';
import { ControllerRequestError } from '@/lib/controller-http.ts';
import { fetchRuns, fetchSets, type QuestionSetInfo } from '@/lib/evaluate/evaluation-http.ts';
import { useModels } from '@/lib/use-models.ts';
import { usePolledResource } from '@/lib/use-polled-resource.ts';
import { StartRunForm } from './start-run-form.tsx';

interface Overview {
  runs: EvaluationRun[];
  sets: QuestionSetInfo[];
}

async function fetchOverview(signal: AbortSignal): Promise<Overview | 'unauthorized'> {
  try {
    const [runs, sets] = await Promise.all([fetchRuns(signal), fetchSets(signal)]);
    return { runs, sets };
  } catch (err) {
    if (err instanceof ControllerRequestError && err.code === 'UNAUTHORIZED') return 'unauthorized';
    throw err;
  }
}

/** /evaluate: start a run (admin), the runs so far, and two runs side by side. */
export function EvaluateView() {
  const { models } = useModels();
  const { data, error, refresh } = usePolledResource(useCallback(fetchOverview, []), 5000);
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  return (
    <main className="min-h-0 flex-1 overflow-y-auto scrollbar-thin">
      <div className="mx-auto max-w-5xl space-y-6 px-4 py-6 sm:px-6 sm:py-8">
        <div className="space-y-1">
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Evaluate</h1>
          <p className="max-w-2xl text-sm text-slate-500">
            Ask every live model the same test questions and score the answers as <code>mgm eval</code> does: exact match for short answers, token F1 for
            descriptions. Accuracy against speed, per model.
          </p>
        </div>
        {error ? <AnswerError error={{ code: 'INTERNAL', message: error }} /> : null}
        {data === null && !error ? (
          <p className="flex items-center gap-2 text-sm text-slate-500">
            <Spinner className="size-4" /> Loading…
          </p>
        ) : null}
        {data === 'unauthorized' ? (
          <p className="rounded-xl border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-800" data-testid="evaluate-login">
            Starting a run uses the whole fleet: <Link href="/admin" className="font-semibold underline">log in as admin</Link> first. A run’s results can be read
            by anyone with its link.
          </p>
        ) : null}
        {data && data !== 'unauthorized' ? (
          <>
            <StartRunForm models={models} sets={data.sets} onUploaded={refresh} />
            <section className="space-y-3">
              <h2 className="text-lg font-semibold text-slate-900">Runs</h2>
              {data.runs.length === 0 ? <p className="text-sm text-slate-500">No run yet.</p> : null}
              <ul className="divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="run-list">
                {data.runs.map((run) => (
                  <li key={run.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-2.5 text-sm">
                    <Link href={`/evaluate/${run.id}`} className="font-medium text-brand-700 underline">
                      {run.set.name}: {run.questions} × {run.models.join(', ')}
                    </Link>
                    <span className="text-xs text-slate-500">
                      {run.status} · {new Date(run.createdAt).toLocaleString()}
                    </span>
                  </li>
                ))}
              </ul>
              {data.runs.length >= 2 ? (
                <div className="flex flex-wrap items-end gap-2 text-sm">
                  <label className="flex flex-col gap-1 text-slate-700">
                    Compare run
                    <select className="rounded-lg border border-slate-300 bg-white px-2 py-1.5" value={a} onChange={(e) => setA(e.target.value)}>
                      <option value="">choose…</option>
                      {data.runs.map((r) => (
                        <option key={r.id} value={r.id}>
                          {new Date(r.createdAt).toLocaleString()} · {r.models.join(', ')}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label className="flex flex-col gap-1 text-slate-700">
                    against
                    <select className="rounded-lg border border-slate-300 bg-white px-2 py-1.5" value={b} onChange={(e) => setB(e.target.value)}>
                      <option value="">choose…</option>
                      {data.runs.map((r) => (
                        <option key={r.id} value={r.id}>
                          {new Date(r.createdAt).toLocaleString()} · {r.models.join(', ')}
                        </option>
                      ))}
                    </select>
                  </label>
                  {a && b && a !== b ? (
                    <Link href={`/evaluate/${a}?vs=${b}`} className="mb-1.5 font-medium text-brand-700 underline">
                      Compare
                    </Link>
                  ) : null}
                </div>
              ) : null}
            </section>
          </>
        ) : null}
      </div>
    </main>
  );
}
