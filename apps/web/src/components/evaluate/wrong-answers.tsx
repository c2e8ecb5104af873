'use client';

import { useMemo, useState } from 'react';
import type { EvaluationResult, EvaluationRun } from '@mgm/evaluation';
import { compareLinkQuery } from '@/lib/compare/compare-link.ts';
import { MAX_PANES } from '@/lib/compare/compare-state.ts';
import { imageUrl } from '@/lib/controller-http.ts';

const PAGE = 20;

interface Question {
  index: number;
  first: EvaluationResult;
  answers: Map<string, EvaluationResult>;
}

/** The questions a model got wrong: image, question, reference and every model's answer side by side. */
export function WrongAnswers({ run, results }: { run: EvaluationRun; results: readonly EvaluationResult[] }) {
  const [model, setModel] = useState<string>('any');
  const [shown, setShown] = useState(PAGE);
  const questions = useMemo(() => {
    const byIndex = new Map<number, Question>();
    for (const r of results) {
      const q = byIndex.get(r.index) ?? { index: r.index, first: r, answers: new Map() };
      q.answers.set(r.model, r);
      byIndex.set(r.index, q);
    }
    return [...byIndex.values()].sort((a, b) => a.index - b.index);
  }, [results]);
  const wrong = questions.filter((q) =>
    model === 'any' ? [...q.answers.values()].some((a) => a.score < 1) : (q.answers.get(model)?.score ?? 1) < 1,
  );
  return (
    <section className="space-y-3" data-testid="wrong-answers">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-semibold text-slate-900">
          Wrong answers <span className="text-sm font-normal text-slate-500">({wrong.length} questions)</span>
        </h2>
        <label className="flex items-center gap-2 text-sm text-slate-600">
          wrong for
          <select
            value={model}
            onChange={(e) => {
              setModel(e.target.value);
              setShown(PAGE);
            }}
            className="rounded-lg border border-slate-300 bg-white px-2 py-1 text-sm"
          >
            <option value="any">any model</option>
            {run.models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
      </div>
      {wrong.length === 0 ? <p className="text-sm text-slate-500">None.</p> : null}
      <ul className="space-y-3">
        {wrong.slice(0, shown).map((q) => {
          const compare =
            q.first.imageId === null
              ? null
              : `/compare?${compareLinkQuery({ models: run.models.slice(0, MAX_PANES), imageId: q.first.imageId, question: q.first.question, params: run.params, imageMode: run.imageMode })}`;
          return (
            <li key={q.index} className="flex flex-col gap-3 rounded-xl border border-slate-200 bg-white p-3 shadow-sm sm:flex-row" data-testid="wrong-question">
              {q.first.imageId ? (
                // eslint-disable-next-line @next/next/no-img-element
                <img src={imageUrl(q.first.imageId)} alt={`image of question ${q.first.questionId}`} className="size-28 shrink-0 self-start rounded-lg border border-slate-200 object-contain [image-rendering:pixelated]" />
              ) : null}
              <div className="min-w-0 flex-1 space-y-2">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <p className="text-sm text-slate-900">
                    {q.first.history.length > 0 ? (
                      <span className="block text-xs text-slate-400">
                        after {q.first.history.map((h) => `“${h.question}” → ${h.answer}`).join(' · ')}
                      </span>
                    ) : null}
                    <span className="font-medium">{q.first.question}</span>
                  </p>
                  <span className="text-xs text-slate-400">
                    {q.first.type} · {q.first.questionId}
                  </span>
                </div>
                <table className="w-full text-sm">
                  <tbody className="divide-y divide-slate-100">
                    <tr>
                      <th scope="row" className="w-1/3 py-1 pr-2 text-left text-xs font-semibold uppercase tracking-wider text-slate-500">
                        reference
                      </th>
                      <td className="py-1 font-medium text-slate-900" data-testid="reference">
                        {q.first.reference}
                      </td>
                    </tr>
                    {run.models.map((m) => {
                      const a = q.answers.get(m);
                      const right = a !== undefined && a.score >= 1;
                      return (
                        <tr key={m}>
                          <th scope="row" className="py-1 pr-2 text-left text-xs font-medium text-slate-600">
                            {m}
                          </th>
                          <td className={`py-1 ${right ? 'text-emerald-700' : 'text-rose-700'}`}>
                            {a === undefined ? (
                              <span className="text-slate-400">not answered</span>
                            ) : a.error ? (
                              <span title={a.error.message}>error: {a.error.code}</span>
                            ) : (
                              <>
                                <span aria-hidden="true">{right ? '✓ ' : '✗ '}</span>
                                {a.answer || <em className="text-slate-400">(empty)</em>}
                                {a.score > 0 && a.score < 1 ? <span className="ml-1 text-xs text-slate-400">F1 {a.score.toFixed(2)}</span> : null}
                              </>
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                {compare ? (
                  <a href={compare} className="inline-block text-xs font-medium text-brand-700 underline" data-testid="open-in-compare">
                    Open in Compare
                  </a>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
      {wrong.length > shown ? (
        <button type="button" className="text-sm font-medium text-brand-700 underline" onClick={() => setShown((n) => n + PAGE)}>
          Show {Math.min(PAGE, wrong.length - shown)} more
        </button>
      ) : null}
    </section>
  );
}
