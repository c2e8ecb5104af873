'use client';

import type { ModelSummary } from '@mgm/protocol';
import { Button } from '@/components/ui/button.tsx';
import { CloseIcon, PlusIcon } from '@/components/ui/icons.tsx';
import { Spinner } from '@/components/ui/spinner.tsx';
import { MAX_PANES, MIN_PANES, paneLabel } from '@/lib/compare/compare-state.ts';
import { PaneBadge } from './pane-badge.tsx';

export interface ModelSlotsProps {
  models: readonly ModelSummary[];
  selected: readonly string[];
  onChange: (models: string[]) => void;
  /** The comparison started: models are fixed until a new comparison. */
  locked: boolean;
  loading: boolean;
  error: string | null;
}

/** 2–4 model slots, one per pane letter; a model appears in one slot only. */
export function ModelSlots({ models, selected, onChange, locked, loading, error }: ModelSlotsProps) {
  const unused = models.filter((model) => !selected.includes(model.id));
  const setAt = (index: number, model: string) => onChange(selected.map((current, i) => (i === index ? model : current)));
  return (
    <div className="space-y-2">
      {selected.map((value, index) => {
        const label = paneLabel(index);
        const known = models.find((model) => model.id === value);
        return (
          <div key={`${label}-${value}`} className="flex items-center gap-2">
            <PaneBadge label={label} />
            <select
              aria-label={`Model ${label}`}
              data-testid="compare-model-select"
              value={value}
              disabled={locked}
              onChange={(event) => setAt(index, event.target.value)}
              className="h-9 min-w-0 flex-1 rounded-lg border border-slate-300 bg-surface px-2 text-sm shadow-sm disabled:bg-slate-50 disabled:text-slate-600"
            >
              {!known ? <option value={value}>{value} (offline)</option> : null}
              {models
                .filter((model) => model.id === value || !selected.includes(model.id))
                .map((model) => (
                  <option key={model.id} value={model.id}>
                    {model.displayName} — {model.id}
                    {model.ready === 0 ? ' (no ready worker)' : ''}
                  </option>
                ))}
            </select>
            {!locked && selected.length > MIN_PANES ? (
              <button
                type="button"
                aria-label={`Remove model ${label}`}
                onClick={() => onChange(selected.filter((_, i) => i !== index))}
                className="inline-flex size-8 shrink-0 items-center justify-center rounded-md text-slate-400 hover:bg-slate-100 hover:text-slate-700"
              >
                <CloseIcon className="size-4" />
              </button>
            ) : null}
          </div>
        );
      })}
      {selected.length === 0 ? (
        <p className="flex items-center gap-2 text-sm text-slate-500">
          {loading ? <Spinner className="size-3.5" /> : null}
          {loading ? 'Loading models…' : 'No model is being served right now.'}
        </p>
      ) : null}
      {!loading && models.length > 0 && models.length < MIN_PANES ? (
        <p className="text-xs text-amber-700">Only one model is being served: a comparison needs two. Start another worker.</p>
      ) : null}
      {!locked && selected.length >= MIN_PANES && selected.length < MAX_PANES && unused[0] ? (
        <Button size="sm" variant="ghost" onClick={() => onChange([...selected, unused[0]!.id])} data-testid="add-model">
          <PlusIcon className="size-3.5" /> Add a model
        </Button>
      ) : null}
      {locked ? <p className="text-xs text-slate-500">Start a new comparison to change the models.</p> : null}
      {error ? (
        <p role="alert" className="text-xs text-rose-600">
          {error}
        </p>
      ) : null}
    </div>
  );
}
