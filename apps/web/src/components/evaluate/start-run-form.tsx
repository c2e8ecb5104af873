'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { EvaluationStartInput } from '@mgm/evaluation';
import type { ModelSummary } from '@mgm/protocol';
import { AnswerError } from '@/components/generation/answer-error.tsx';
import { Button } from '@/components/ui/button.tsx';
import { Spinner } from '@/components/ui/spinner.tsx';
import { startRun, uploadSet, type QuestionSetInfo } from '@/lib/evaluate/evaluation-http.ts';

const field = 'rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm';

/** Choose the questions, the live models, the parameters (greedy by default) and a sample size; start. */
export function StartRunForm({ models, sets, onUploaded }: { models: readonly ModelSummary[]; sets: readonly QuestionSetInfo[]; onUploaded: () => void }) {
  const router = useRouter();
  const [chosen, setChosen] = useState<string[]>([]);
  const [setKey, setSetKey] = useState('shipped');
  const [sample, setSample] = useState('');
  const [temperature, setTemperature] = useState('0');
  const [maxNewTokens, setMaxNewTokens] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [questionsFile, setQuestionsFile] = useState<File | null>(null);
  const [imageFiles, setImageFiles] = useState<File[]>([]);
  const [uploadNote, setUploadNote] = useState<string | null>(null);
  const picked = chosen.filter((m) => models.some((x) => x.id === m));

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const params: Record<string, number> = { temperature: Number(temperature) };
      if (maxNewTokens.trim() !== '') params.maxNewTokens = Number(maxNewTokens);
      const input: EvaluationStartInput = {
        set: setKey === 'shipped' ? { kind: 'shipped' } : { kind: 'uploaded', id: setKey },
        models: picked,
        params,
        ...(sample.trim() !== '' ? { sample: { size: Number(sample), seed: 1 } } : {}),
      };
      const run = await startRun(input);
      router.push(`/evaluate/${run.id}`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  const upload = async () => {
    if (!questionsFile) return;
    setBusy(true);
    setError(null);
    try {
      const set = await uploadSet(questionsFile, imageFiles, questionsFile.name.replace(/\.jsonl$/i, ''));
      setUploadNote(`uploaded “${set.name}”: ${set.size} questions`);
      setSetKey(set.id ?? 'shipped');
      onUploaded();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="start-run-form">
      <h2 className="text-lg font-semibold text-slate-900">New run</h2>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Live models</legend>
        {models.length === 0 ? <p className="text-sm text-slate-500">No model is being served right now.</p> : null}
        <div className="flex flex-wrap gap-2">
          {models.map((m) => (
            <label key={m.id} className={`flex cursor-pointer items-center gap-2 rounded-lg border px-3 py-1.5 text-sm ${picked.includes(m.id) ? 'border-brand-500 bg-brand-50 text-brand-800' : 'border-slate-300 text-slate-700'}`}>
              <input
                type="checkbox"
                checked={picked.includes(m.id)}
                onChange={(e) => setChosen((c) => (e.target.checked ? [...c, m.id] : c.filter((x) => x !== m.id)))}
                className="accent-brand-600"
                data-testid={`model-choice-${m.id}`}
              />
              {m.id}
              <span className="text-xs text-slate-400">{m.ready} ready</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <label className="flex flex-col gap-1 text-sm text-slate-700">
          Questions
          <select className={field} value={setKey} onChange={(e) => setSetKey(e.target.value)} data-testid="question-set">
            {sets.map((s) => (
              <option key={s.id ?? 'shipped'} value={s.id ?? 'shipped'}>
                {s.name} ({s.size})
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm text-slate-700">
          Sample size <span className="text-xs text-slate-400">empty: every question</span>
          <input className={field} inputMode="numeric" value={sample} onChange={(e) => setSample(e.target.value)} placeholder="all" data-testid="sample-size" />
        </label>
        <label className="flex flex-col gap-1 text-sm text-slate-700">
          Temperature <span className="text-xs text-slate-400">0 = greedy, as mgm eval</span>
          <input className={field} inputMode="decimal" value={temperature} onChange={(e) => setTemperature(e.target.value)} />
        </label>
        <label className="flex flex-col gap-1 text-sm text-slate-700">
          Max new tokens <span className="text-xs text-slate-400">empty: 512</span>
          <input className={field} inputMode="numeric" value={maxNewTokens} onChange={(e) => setMaxNewTokens(e.target.value)} placeholder="512" />
        </label>
      </div>
      <details className="rounded-lg border border-dashed border-slate-300 px-3 py-2 text-sm text-slate-600">
        <summary className="cursor-pointer font-medium text-slate-700">Upload your own questions (JSONL + images)</summary>
        <p className="mt-2 text-xs text-slate-500">
          One JSON object per line: <code>{'{"id", "image", "question", "answer", "type", "history"?}'}</code>, as models/eval/test.jsonl. Images are
          matched by file name; every line and image is checked.
        </p>
        <div className="mt-2 flex flex-wrap items-end gap-3">
          <label className="flex flex-col gap-1">
            JSONL
            <input type="file" accept=".jsonl,.json,application/x-ndjson" onChange={(e) => setQuestionsFile(e.target.files?.[0] ?? null)} />
          </label>
          <label className="flex flex-col gap-1">
            Images
            <input type="file" accept="image/*" multiple onChange={(e) => setImageFiles([...(e.target.files ?? [])])} />
          </label>
          <Button size="sm" onClick={() => void upload()} disabled={busy || !questionsFile}>
            Upload
          </Button>
        </div>
        {uploadNote ? <p className="mt-2 text-xs text-emerald-700">{uploadNote}</p> : null}
      </details>
      {error ? <AnswerError error={{ code: 'BAD_REQUEST', message: error }} /> : null}
      <div className="flex items-center gap-3">
        <Button variant="primary" onClick={() => void start()} disabled={busy || picked.length === 0} data-testid="start-run">
          {busy ? <Spinner className="size-4" /> : null} Start run
        </Button>
        <p className="text-xs text-slate-500">Runs queue behind people’s questions: chat always goes first.</p>
      </div>
    </section>
  );
}
