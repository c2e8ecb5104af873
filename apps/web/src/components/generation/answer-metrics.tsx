'use client';

import { useEffect, useState } from 'react';
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

/** TTFT, tokens/s, token count, finish reason and worker of one answer; elapsed time while it streams. */
export function AnswerMetrics({ job }: { job: JobState }) {
  const active = isJobActive(job);
  const now = useNow(active);
  const elapsed = (job.finishedAt ?? now) - job.startedAt;
  const t = job.timingsMs;
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs" data-testid="answer-metrics">
      {active ? (
        <Metric label={job.status === 'queued' ? 'waiting' : 'elapsed'} value={formatMs(Math.max(0, elapsed))} />
      ) : null}
      {t ? (
        <Metric
          label="TTFT"
          value={formatMs(t.ttft)}
          title={`queue ${formatMs(t.queue)} · preprocess ${formatMs(t.preprocess)} · vision ${formatMs(t.vision)} · prefill ${formatMs(t.prefill)} · decode ${formatMs(t.decode)} · total ${formatMs(t.total)}`}
        />
      ) : null}
      {job.tokensPerSecond !== null ? <Metric label="speed" value={formatRate(job.tokensPerSecond)} /> : null}
      {job.tokens ? (
        <Metric
          label="tokens"
          value={String(job.tokens.generated)}
          title={`prompt ${job.tokens.prompt} (of which visual ${job.tokens.visual}) · generated ${job.tokens.generated}`}
        />
      ) : null}
      {t ? <Metric label="total" value={formatMs(t.total)} /> : null}
      {job.finishReason ? <Metric label="end" value={finishReasonText[job.finishReason]} /> : null}
      {job.workerId ? <Metric label="worker" value={job.workerId} /> : null}
    </div>
  );
}
