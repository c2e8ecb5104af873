'use client';

import { useState, type ReactNode } from 'react';
import type { AdminJob } from '@mgm/protocol';
import { Button } from '@/components/ui/button.tsx';
import { formatClock } from '@/lib/admin/admin-format.ts';
import { retryJob } from '@/lib/admin/admin-http.ts';
import { isRetryable, jobOutcome, jobSpeed } from '@/lib/admin/job-outcome.ts';
import { formatMs, formatRate } from '@/lib/format.ts';
import type { AskAction } from './admin-types.ts';
import { Badge } from './state-badge.tsx';

const GRID = 'lg:grid-cols-[5.5rem_minmax(0,1.1fr)_6.5rem_minmax(0,1.4fr)_4.5rem_4.5rem_6rem_5.5rem_4.5rem_minmax(0,2fr)]';
const headers = ['When', 'Model', 'State', 'Worker', 'Queue', 'TTFT', 'Tokens', 'Speed', 'Total', 'Error'];
const SHOWN = 20;

function Cell({ label, children, className = '' }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className={`min-w-0 ${className}`} data-cell={label.toLowerCase()}>
      <span className="mr-1 text-[11px] uppercase tracking-wide text-slate-400 lg:hidden">{label}</span>
      <span className="text-sm tabular-nums text-slate-700">{children}</span>
    </div>
  );
}

const ms = (value: number | null) => (value === null ? '–' : formatMs(value));

function JobRow({ job, onAction }: { job: AdminJob; onAction: AskAction }) {
  const when = job.finishedAt ?? job.startedAt ?? job.enqueuedAt;
  const outcome = jobOutcome(job);
  const speed = jobSpeed(job);
  return (
    <li
      className={`grid grid-cols-2 gap-x-4 gap-y-1 px-4 py-2.5 sm:grid-cols-4 lg:items-center lg:gap-y-0 ${GRID}`}
      data-testid="job-row"
      data-job-id={job.jobId}
      data-state={job.state}
      data-outcome={outcome}
      data-worker-id={job.workerId ?? ''}
    >
      <Cell label="When">{formatClock(when)}</Cell>
      <Cell label="Model">
        <span className="truncate">{job.model}</span>
      </Cell>
      <Cell label="State">
        <Badge label={outcome} testId="job-outcome" />
        {job.finishReason === 'length' ? <span className="ml-1 text-xs text-slate-500">max tokens</span> : null}
      </Cell>
      <Cell label="Worker" className="col-span-2 sm:col-span-1">
        <span className="block truncate" title={job.workerId ?? undefined}>
          {job.workerId ?? '–'}
        </span>
      </Cell>
      <Cell label="Queue">{ms(job.queueMs)}</Cell>
      <Cell label="TTFT">{ms(job.ttftMs)}</Cell>
      <Cell label="Tokens">{job.generatedTokens === null ? '–' : `${job.promptTokens ?? 0} → ${job.generatedTokens}`}</Cell>
      <Cell label="Speed">{speed === null ? '–' : formatRate(speed)}</Cell>
      <Cell label="Total">{ms(job.totalMs)}</Cell>
      <div className="col-span-2 flex min-w-0 items-center justify-between gap-2 sm:col-span-4 lg:col-span-1">
        {job.error ? (
          <p className={`min-w-0 truncate text-xs ${outcome === 'rejected' ? 'text-amber-700' : 'text-rose-700'}`} title={`${job.errorCode}: ${job.error}`}>
            <span className="font-medium">{job.errorCode}</span> {job.error}
          </p>
        ) : (
          <span className="text-xs text-slate-400 lg:hidden" />
        )}
        {isRetryable(job) ? (
          <Button
            size="sm"
            variant="ghost"
            className="shrink-0"
            data-testid="job-retry"
            onClick={() =>
              onAction({
                title: `Retry job ${job.jobId.slice(0, 8)}… of ${job.model}`,
                description: 'The job goes back to its queue and runs again; its old answer is discarded.',
                confirmLabel: 'Retry job',
                run: () => retryJob(job.model, job.jobId),
              })
            }
          >
            Retry
          </Button>
        ) : null}
      </div>
    </li>
  );
}

/** The last jobs of every model (or of one), newest first, with timings and errors. */
export function JobList({ jobs, models, onAction }: { jobs: readonly AdminJob[]; models: readonly string[]; onAction: AskAction }) {
  const [model, setModel] = useState('');
  const shown = jobs.filter((job) => model === '' || job.model === model).slice(0, SHOWN);
  return (
    <div className="space-y-2">
      <div className="flex items-center justify-end gap-2">
        <label htmlFor="job-model" className="text-xs text-slate-500">
          Model
        </label>
        <select
          id="job-model"
          value={model}
          onChange={(event) => setModel(event.target.value)}
          className="h-8 rounded-lg border border-slate-300 bg-surface px-2 text-xs text-slate-700 shadow-sm"
          data-testid="job-model-filter"
        >
          <option value="">all</option>
          {models.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      </div>
      <div className="overflow-hidden rounded-xl border border-slate-200 bg-surface shadow-sm">
        <div className={`hidden gap-x-4 border-b border-slate-200 bg-slate-50 px-4 py-2 text-[11px] font-medium uppercase tracking-wide text-slate-500 lg:grid ${GRID}`}>
          {headers.map((header) => (
            <span key={header}>{header}</span>
          ))}
        </div>
        {shown.length === 0 ? (
          <p className="px-4 py-6 text-center text-sm text-slate-500">No job yet{model ? ` for ${model}` : ''}.</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {shown.map((job) => (
              <JobRow key={`${job.model}/${job.jobId}`} job={job} onAction={onAction} />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
