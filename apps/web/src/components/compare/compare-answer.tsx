'use client';

import type { ErrorCode, PaneLabel } from '@mgm/protocol';
import type { ReactNode } from 'react';
import { AnswerError } from '@/components/generation/answer-error.tsx';
import { MarkdownAnswer } from '@/components/generation/markdown-answer.tsx';
import { RefreshIcon, StopIcon } from '@/components/ui/icons.tsx';
import { PaneBadge } from './pane-badge.tsx';
import { paneColors } from './pane-colors.ts';

export function Waiting({ label }: { label: string }) {
  return (
    <div className="flex items-center gap-2 py-1 text-sm text-slate-500">
      <span className="flex gap-1" aria-hidden="true">
        {[0, 150, 300].map((delay) => (
          <span key={delay} className="size-1.5 animate-bounce rounded-full bg-slate-400" style={{ animationDelay: `${delay}ms` }} />
        ))}
      </span>
      {label}
    </div>
  );
}

export function IconAction({ label, onClick, children, testId }: { label: string; onClick: () => void; children: ReactNode; testId: string }) {
  return (
    <button
      type="button"
      onClick={onClick}
      aria-label={label}
      title={label}
      data-testid={testId}
      className="inline-flex size-7 items-center justify-center rounded-md text-slate-400 hover:bg-slate-100 hover:text-slate-700"
    >
      {children}
    </button>
  );
}

export interface AnswerCardProps {
  label: PaneLabel;
  /** The model's name as shown (in the arena: "Model A" until the vote). */
  title: string;
  subtitle?: string | null;
  status: 'sending' | 'queued' | 'streaming' | 'done' | 'stopped' | 'error';
  text: string;
  error: { code: ErrorCode; message: string } | null;
  /** Metrics row (compare) or nothing (arena before the vote). */
  footer?: ReactNode;
  onStop?: () => void;
  onRegenerate?: () => void;
  highlighted?: boolean;
  testId: string;
  data?: Record<string, string>;
}

/** One answer of a pane, edged in the pane's colour: header, streaming Markdown, then its figures. */
export function AnswerCard({ label, title, subtitle, status, text, error, footer, onStop, onRegenerate, highlighted, testId, data }: AnswerCardProps) {
  const active = status === 'sending' || status === 'queued' || status === 'streaming';
  const dataAttributes = Object.fromEntries(Object.entries(data ?? {}).map(([key, value]) => [`data-${key}`, value]));
  return (
    <article
      data-testid={testId}
      data-status={status}
      data-letter={label}
      {...dataAttributes}
      className={`flex min-w-0 flex-col rounded-xl border border-t-4 border-slate-200 bg-surface shadow-sm ${paneColors[label].edge} ${
        highlighted ? 'ring-2 ring-emerald-400' : ''
      }`}
    >
      <header className="flex items-center gap-2 border-b border-slate-100 px-3 py-2">
        <PaneBadge label={label} size="sm" />
        <div className="min-w-0 flex-1 leading-tight">
          <p className="break-words text-sm font-semibold text-slate-800" data-testid="answer-title" title={title}>
            {title}
          </p>
          {subtitle ? <p className="break-all text-[11px] text-slate-400">{subtitle}</p> : null}
        </div>
        {status === 'stopped' ? <span className="rounded bg-slate-100 px-1.5 py-0.5 text-[11px] text-slate-500">stopped</span> : null}
        {active && onStop ? (
          <IconAction label={`Stop ${label}`} onClick={onStop} testId="pane-stop">
            <StopIcon className="size-3.5" />
          </IconAction>
        ) : null}
        {!active && onRegenerate ? (
          <IconAction label={`Regenerate ${label}`} onClick={onRegenerate} testId="pane-regenerate">
            <RefreshIcon className="size-4" />
          </IconAction>
        ) : null}
      </header>
      <div className="min-h-12 px-3 py-2">
        {text !== '' ? (
          <div data-testid="answer-text">
            <MarkdownAnswer text={text} streaming={status === 'streaming'} />
          </div>
        ) : null}
        {status === 'sending' ? <Waiting label="Sending…" /> : null}
        {status === 'queued' ? <Waiting label="Waiting for a worker…" /> : null}
        {status === 'streaming' && text === '' ? <Waiting label="Reading the image…" /> : null}
        {status === 'stopped' && text === '' ? <p className="text-sm italic text-slate-400">Stopped before the first token.</p> : null}
        {error ? <AnswerError error={error} /> : null}
      </div>
      {footer ? <footer className="mt-auto border-t border-slate-100 px-3 py-2">{footer}</footer> : null}
    </article>
  );
}
