import type { AdminWorker } from '@mgm/protocol';

const tone: Record<string, string> = {
  ready: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  paused: 'bg-amber-50 text-amber-800 ring-amber-600/25',
  draining: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  loading: 'bg-slate-100 text-slate-600 ring-slate-500/20',
  dead: 'bg-rose-50 text-rose-700 ring-rose-600/25',
  completed: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  failed: 'bg-rose-50 text-rose-700 ring-rose-600/25',
  stopped: 'bg-slate-100 text-slate-600 ring-slate-500/20',
  rejected: 'bg-amber-50 text-amber-800 ring-amber-600/25',
  active: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  waiting: 'bg-amber-50 text-amber-800 ring-amber-600/25',
  delayed: 'bg-amber-50 text-amber-800 ring-amber-600/25',
  unknown: 'bg-slate-100 text-slate-600 ring-slate-500/20',
};

export function Badge({ label, testId }: { label: string; testId?: string }) {
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tone[label] ?? tone.unknown}`}
      data-testid={testId}
    >
      {label === 'dead' ? <span className="size-1.5 rounded-full bg-rose-500" aria-hidden="true" /> : null}
      {label}
    </span>
  );
}

/** The worker's state, or "dead" once it stopped heartbeating (its last state in small print). */
export function WorkerStateBadge({ worker }: { worker: AdminWorker }) {
  if (worker.liveness === 'dead') {
    return (
      <span className="inline-flex flex-wrap items-center gap-1">
        <Badge label="dead" testId="worker-liveness" />
        <span className="text-xs text-slate-400">was {worker.state}</span>
      </span>
    );
  }
  return <Badge label={worker.state} testId="worker-state" />;
}
