'use client';

import type { PaneLabel } from '@mgm/protocol';
import { CheckIcon } from '@/components/ui/icons.tsx';
import { Spinner } from '@/components/ui/spinner.tsx';
import { PaneBadge } from './pane-badge.tsx';
import { paneColors } from './pane-colors.ts';

export interface VerdictOption {
  key: string;
  label: string;
  /** Set for "A is better"-like options: the button carries the pane's colour. */
  pane?: PaneLabel;
}

export interface VerdictButtonsProps {
  title: string;
  options: readonly VerdictOption[];
  /** The option voted for (while sending and after). */
  chosen: string | null;
  status: 'idle' | 'sending' | 'recorded' | 'error';
  /** Shown next to the buttons: the error, or a note after recording. */
  message?: string | null;
  /** Why voting is not possible yet; null when it is. */
  blocker: string | null;
  onChoose: (key: string) => void;
}

/** A row of verdict buttons (FastChat's A better / B better / tie / both bad, or pick the best). */
export function VerdictButtons({ title, options, chosen, status, message, blocker, onChoose }: VerdictButtonsProps) {
  const locked = status === 'sending' || status === 'recorded';
  return (
    <div className="flex flex-col gap-2 sm:flex-row sm:flex-wrap sm:items-center" data-testid="vote-bar" data-status={status}>
      <span className="text-xs font-semibold uppercase tracking-wider text-slate-500">{title}</span>
      <div className="flex flex-wrap gap-1.5" role="group" aria-label={title}>
        {options.map((option) => {
          const isChosen = chosen === option.key && status !== 'error';
          return (
            <button
              key={option.key}
              type="button"
              disabled={blocker !== null || locked}
              title={blocker ?? option.label}
              aria-pressed={isChosen}
              onClick={() => onChoose(option.key)}
              data-testid={`vote-${option.key}`}
              className={`inline-flex h-8 items-center gap-1.5 rounded-lg border px-2.5 text-xs font-medium shadow-sm transition-colors disabled:cursor-not-allowed ${
                isChosen
                  ? option.pane
                    ? `${paneColors[option.pane].tint} ${paneColors[option.pane].text} ring-2 ring-current/20`
                    : 'border-slate-400 bg-slate-100 text-slate-800'
                  : 'border-slate-300 bg-surface text-slate-700 hover:bg-slate-50 disabled:opacity-45 disabled:hover:bg-surface'
              }`}
            >
              {option.pane ? <PaneBadge label={option.pane} size="sm" /> : null}
              {option.label}
              {isChosen && status === 'sending' ? <Spinner className="size-3" /> : null}
              {isChosen && status === 'recorded' ? <CheckIcon className="size-3.5" /> : null}
            </button>
          );
        })}
      </div>
      {status === 'recorded' ? (
        <span className="text-xs text-emerald-700" data-testid="vote-recorded">
          {message ?? 'Vote recorded, thank you.'}
        </span>
      ) : null}
      {status === 'error' && message ? (
        <span role="alert" className="text-xs text-rose-600">
          {message}
        </span>
      ) : null}
      {status === 'idle' && blocker ? <span className="text-xs text-slate-400">{blocker}</span> : null}
    </div>
  );
}
