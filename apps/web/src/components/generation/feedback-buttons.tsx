'use client';

import type { FeedbackKind } from '@mgm/protocol';
import { useState, type ComponentType, type SVGProps } from 'react';
import { FlagIcon, ThumbDownIcon, ThumbUpIcon } from '@/components/ui/icons.tsx';

const buttons: Array<{ kind: FeedbackKind; label: string; icon: ComponentType<SVGProps<SVGSVGElement>> }> = [
  { kind: 'upvote', label: 'Good answer', icon: ThumbUpIcon },
  { kind: 'downvote', label: 'Bad answer', icon: ThumbDownIcon },
  { kind: 'flag', label: 'Flag as inappropriate', icon: FlagIcon },
];

export interface FeedbackButtonsProps {
  /** Kinds already recorded for this answer. */
  sent: readonly FeedbackKind[];
  disabled?: boolean;
  onSend: (kind: FeedbackKind) => Promise<void>;
}

/** 👍 / 👎 / flag. A vote is recorded once; 👍 and 👎 exclude each other, as in MGM's demo. */
export function FeedbackButtons({ sent, disabled = false, onSend }: FeedbackButtonsProps) {
  const [pending, setPending] = useState<FeedbackKind | null>(null);
  const [error, setError] = useState<string | null>(null);
  const voted = sent.includes('upvote') || sent.includes('downvote');

  async function send(kind: FeedbackKind) {
    setPending(kind);
    setError(null);
    try {
      await onSend(kind);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setPending(null);
    }
  }

  return (
    <div className="flex items-center gap-0.5">
      {buttons.map(({ kind, label, icon: Icon }) => {
        const done = sent.includes(kind);
        const blocked = disabled || pending !== null || done || (kind !== 'flag' && voted);
        return (
          <button
            key={kind}
            type="button"
            title={done ? `${label}: recorded` : label}
            aria-label={label}
            aria-pressed={done}
            disabled={blocked}
            onClick={() => void send(kind)}
            className={`inline-flex size-8 items-center justify-center rounded-md transition-colors ${
              done
                ? kind === 'flag'
                  ? 'bg-amber-50 text-amber-600'
                  : 'bg-brand-50 text-brand-600'
                : 'text-slate-400 hover:bg-slate-100 hover:text-slate-700 disabled:cursor-not-allowed disabled:opacity-40 disabled:hover:bg-transparent'
            } ${pending === kind ? 'animate-pulse' : ''}`}
          >
            <Icon className="size-4" />
          </button>
        );
      })}
      {sent.length > 0 && !error ? <span className="ml-1 text-xs text-slate-400">Thanks, recorded</span> : null}
      {error ? (
        <span role="alert" className="ml-1 text-xs text-rose-600">
          {error}
        </span>
      ) : null}
    </div>
  );
}
