import type { ModelSummary } from '@mgm/protocol';
import { useId } from 'react';
import { Spinner } from '@/components/ui/spinner.tsx';
import { architectureLabel } from '@/lib/model-card.ts';
import { ModelScores } from './model-scores.tsx';

export interface ModelPickerProps {
  models: readonly ModelSummary[];
  value: string | null;
  onChange: (model: string) => void;
  loading: boolean;
  error: string | null;
  label?: string;
  /** Keep the label for screen readers only (when a heading already says "Model"). */
  hideLabel?: boolean;
}

function workersText(model: ModelSummary): string {
  if (model.workers === 0) return 'no worker';
  const ready = model.ready === model.workers ? '' : `, ${model.ready} ready`;
  return `${model.workers} worker${model.workers === 1 ? '' : 's'}${ready}`;
}

/** A select of the live models, with the chosen one's details underneath. */
export function ModelPicker({ models, value, onChange, loading, error, label = 'Model', hideLabel = false }: ModelPickerProps) {
  const id = useId();
  const selected = models.find((model) => model.id === value);
  const offline = value !== null && !selected && !loading;
  return (
    <div className="space-y-2">
      <div className={`flex items-center justify-between ${hideLabel && !loading ? 'hidden' : ''}`}>
        <label htmlFor={id} className={hideLabel ? 'sr-only' : 'text-sm font-medium text-slate-700'}>
          {label}
        </label>
        {loading ? <Spinner className="size-3.5 text-slate-400" /> : null}
      </div>
      <select
        id={id}
        data-testid="model-select"
        value={value ?? ''}
        onChange={(event) => onChange(event.target.value)}
        disabled={models.length === 0 && !value}
        className="h-10 w-full rounded-lg border border-slate-300 bg-surface px-3 text-sm shadow-sm disabled:bg-slate-100 disabled:text-slate-400"
      >
        {value === null ? <option value="">{loading ? 'Loading models…' : 'No model online'}</option> : null}
        {offline ? <option value={value}>{value} (offline)</option> : null}
        {models.map((model) => (
          <option key={model.id} value={model.id}>
            {model.displayName} — {model.id}
            {model.ready === 0 ? ' (no ready worker)' : ''}
          </option>
        ))}
      </select>
      {error ? (
        <p role="alert" className="text-xs text-rose-600">
          {error}
        </p>
      ) : null}
      {offline ? <p className="text-xs text-amber-700">No live worker hosts {value} right now. Pick another model or start a worker.</p> : null}
      {selected ? (
        <dl className="grid grid-cols-2 gap-x-3 gap-y-1 rounded-lg bg-slate-50 px-3 py-2 text-xs text-slate-600" data-testid="model-details">
          <dt className="text-slate-400">Architecture</dt>
          <dd data-testid="model-architecture">{architectureLabel(selected)}</dd>
          <dt className="text-slate-400">Resolution</dt>
          <dd>
            LR {selected.lrSize}
            {selected.hrSize ? ` · HR ${selected.hrSize}` : ''}
          </dd>
          <dt className="text-slate-400">Visual tokens</dt>
          <dd>{selected.visualTokens}</dd>
          <dt className="text-slate-400">Context</dt>
          <dd>{selected.contextLength} tokens</dd>
          <dt className="text-slate-400">Template</dt>
          <dd className="truncate">{selected.template}</dd>
          <dt className="text-slate-400">Workers</dt>
          <dd className={selected.ready === 0 ? 'text-amber-700' : ''}>{workersText(selected)}</dd>
        </dl>
      ) : null}
      {selected?.evaluation ? <ModelScores evaluation={selected.evaluation} /> : null}
    </div>
  );
}
