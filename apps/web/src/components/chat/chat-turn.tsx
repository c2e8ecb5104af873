'use client';

import type { FeedbackKind } from '@mgm/protocol';
import { useState } from 'react';
import { AnswerError } from '@/components/generation/answer-error.tsx';
import { AnswerMetrics } from '@/components/generation/answer-metrics.tsx';
import { FeedbackButtons } from '@/components/generation/feedback-buttons.tsx';
import { GeneratedImageView } from '@/components/generation/generated-image-view.tsx';
import { MarkdownAnswer } from '@/components/generation/markdown-answer.tsx';
import { LensToggle } from '@/components/lens/lens-toggle.tsx';
import { CheckIcon, CopyIcon, RefreshIcon } from '@/components/ui/icons.tsx';
import type { ChatImage, ChatTurn } from '@/lib/chat-state.ts';
import { stoppedBeforeStart } from '@/lib/answer-figures.ts';
import { answerTextBesidePicture } from '@/lib/generated-answer.ts';
import { isJobActive, type JobState } from '@/lib/job-state.ts';

export interface ChatTurnViewProps {
  turn: ChatTurn;
  job: JobState | undefined;
  /** Shown with the first question only: the image belongs to it. */
  image: ChatImage | null;
  modelName: string;
  canRegenerate: boolean;
  onRegenerate: () => void;
  onFeedback: (kind: FeedbackKind) => Promise<void>;
  /** A picture in the answer finished loading (the page keeps following the answer). */
  onMediaLoad?: () => void;
}

function TypingDots({ label }: { label: string }) {
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

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      aria-label="Copy answer"
      title="Copy answer"
      onClick={() => {
        void navigator.clipboard?.writeText(text.trim()).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
      className="inline-flex size-8 items-center justify-center rounded-md text-slate-400 hover:bg-slate-100 hover:text-slate-700"
    >
      {copied ? <CheckIcon className="size-4 text-emerald-600" /> : <CopyIcon className="size-4" />}
    </button>
  );
}

export function ChatTurnView({ turn, job, image, modelName, canRegenerate, onRegenerate, onFeedback, onMediaLoad }: ChatTurnViewProps) {
  const active = job ? isJobActive(job) : true;
  // The image prompt is shown once, as the picture's caption.
  const shownText = job ? answerTextBesidePicture(job.text, job.generatedImage?.prompt ?? null) : '';
  const finished = job?.status === 'done' || job?.status === 'stopped';
  return (
    <div className="space-y-4" data-testid="chat-turn">
      <div className="flex flex-col items-end gap-2">
        {image ? (
          // eslint-disable-next-line @next/next/no-img-element -- a local object URL
          <img
            src={image.previewUrl}
            alt={image.name}
            className="max-h-48 max-w-[70%] rounded-2xl border border-slate-200 bg-surface object-contain shadow-sm"
          />
        ) : null}
        <div className="max-w-[85%] whitespace-pre-wrap break-words rounded-2xl rounded-br-md bg-brand-600 px-4 py-2.5 text-[15px] leading-relaxed text-white shadow-sm" data-testid="user-message">
          {turn.question}
        </div>
      </div>

      <div className="space-y-2" data-testid="assistant-answer" data-status={job?.status ?? 'sending'}>
        <div className="flex items-center gap-2 text-xs font-medium text-slate-500">
          <span className="inline-flex size-6 items-center justify-center rounded-full bg-slate-900 text-[10px] font-bold text-surface">AI</span>
          <span>{modelName}</span>
          {job?.status === 'stopped' ? <span className="rounded bg-slate-100 px-1.5 py-0.5 text-slate-500">stopped</span> : null}
        </div>
        <div className="sm:pl-8">
          {job && shownText !== '' ? (
            <div data-testid="answer-text">
              <MarkdownAnswer text={shownText} streaming={job.status === 'streaming'} />
            </div>
          ) : null}
          {!job ? <TypingDots label="Sending…" /> : null}
          {job?.status === 'queued' ? <TypingDots label="Waiting for a worker…" /> : null}
          {job?.status === 'streaming' && job.text === '' ? <TypingDots label="Reading the image…" /> : null}
          {job?.status === 'stopped' && job.text === '' ? (
            <p className="text-sm italic text-slate-400">{stoppedBeforeStart(job) ? 'Stopped before it started.' : 'Stopped before the first token.'}</p>
          ) : null}
          {job?.generatedImage ? <GeneratedImageView image={job.generatedImage} onLoad={onMediaLoad} /> : null}
          {job?.ocrText ? (
            <p className="mt-2 text-xs text-slate-500" data-testid="ocr-text">
              OCR text given to the model: {job.ocrText}
            </p>
          ) : null}
          {job?.error ? <AnswerError error={job.error} /> : null}
          {job?.lens ? <LensToggle jobId={job.jobId} modelName={modelName} /> : null}
        </div>
        {job ? (
          <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 sm:pl-8">
            <AnswerMetrics job={job} />
            {!active ? (
              <div className="-mr-1 flex items-center gap-0.5">
                {finished && job.text !== '' ? <CopyButton text={job.text} /> : null}
                {canRegenerate ? (
                  <button
                    type="button"
                    onClick={onRegenerate}
                    aria-label="Regenerate"
                    title="Regenerate this answer"
                    data-testid="regenerate-button"
                    className="inline-flex size-8 items-center justify-center rounded-md text-slate-400 hover:bg-slate-100 hover:text-slate-700"
                  >
                    <RefreshIcon className="size-4" />
                  </button>
                ) : null}
                {finished ? <FeedbackButtons sent={turn.feedback} onSend={onFeedback} /> : null}
              </div>
            ) : null}
          </div>
        ) : null}
      </div>
    </div>
  );
}
