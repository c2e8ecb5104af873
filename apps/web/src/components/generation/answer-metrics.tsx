'use client';

import { useEffect, useState } from 'react';
import { answerFigures, MIN_TOKENS_FOR_SPEED } from '@/lib/answer-figures.ts';
import { formatMs, formatRate } from '@/lib/format.ts';
import { isJobActive, type JobState } from '@/lib/job-state.ts';

const finishReasonText = { stop: 'finished', length: 'hit max tokens', abort: 'stopped' } as const;

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function Metric({ label, value, title }: { label: string; value: string; title?: string }) {
  return (
    <span className="inline-flex items-baseline gap-1" title={title}>
      <span className="text-slate-400">{label}</span>
      <span className="font-medium tabular-nums text-slate-600">{value}</span>
    </span>
  );
}

const LIVE_TITLE = 'counted in the browser while the answer streams; the worker\'s own figures replace it at the end';

/**
 * TTFT, token count, tokens/s (from MIN_TOKENS_FOR_SPEED tokens on), finish reason and worker of
 * one answer; live while it streams, with the elapsed time.
 */
export function AnswerMetrics({ job }: { job: JobState }) {
  const active = isJobActive(job);
  const now = useNow(active);
  const elapsed = (job.finishedAt ?? now) - job.startedAt;
  const t = job.timingsMs;
  const figures = answerFigures(job, now);
  if (figures.stoppedBeforeStart) {
    return (
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs" data-testid="answer-metrics" data-live="false">
        <span className="text-slate-500" data-testid="stopped-before-start">
          Stopped before it started{t ? ` (after ${formatMs(t.queue)} in the queue)` : ''}
        </span>
      </div>
    );
  }
  const speedTitle = `shown from ${MIN_TOKENS_FOR_SPEED} tokens on: below that, tokens/s is noise`;
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs" data-testid="answer-metrics" data-live={String(figures.live)}>
      {active ? (
        <Metric label={job.status === 'queued' ? 'waiting' : 'elapsed'} value={formatMs(Math.max(0, elapsed))} />
      ) : null}
      {figures.ttftMs !== null ? (
        <Metric
          label="TTFT"
          value={formatMs(figures.ttftMs)}
          title={
            t && !figures.live
              ? `queue ${formatMs(t.queue)} · preprocess ${formatMs(t.preprocess)} · vision ${formatMs(t.vision)} · prefill ${formatMs(t.prefill)} · decode ${formatMs(t.decode)} · total ${formatMs(t.total)}`
              : `time to first token, ${LIVE_TITLE}`
          }
        />
      ) : null}
      {figures.tokens !== null ? (
        <Metric
          label="tokens"
          value={String(figures.tokens)}
          title={job.tokens && !figures.live ? `prompt ${job.tokens.prompt} (of which visual ${job.tokens.visual}) · generated ${job.tokens.generated}` : LIVE_TITLE}
        />
      ) : null}
      {figures.tokensPerSecond !== null ? (
        <Metric label="speed" value={formatRate(figures.tokensPerSecond)} title={figures.live ? LIVE_TITLE : speedTitle} />
      ) : null}
      {t ? <Metric label="total" value={formatMs(t.total)} /> : null}
      {job.finishReason ? <Metric label="end" value={finishReasonText[job.finishReason]} /> : null}
      {job.workerId ? <Metric label="worker" value={job.workerId} /> : null}
    </div>
  );
}
