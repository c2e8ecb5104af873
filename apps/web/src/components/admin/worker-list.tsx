import type { ReactNode } from 'react';
import type { AdminAction, AdminWorker, SupervisedSlot } from '@mgm/protocol';
import { Button } from '@/components/ui/button.tsx';
import { checkpointName, formatAge, formatDuration, shortProvider } from '@/lib/admin/admin-format.ts';
import { batchSummary } from '@/lib/admin/batch-format.ts';
import { workerAction } from '@/lib/admin/admin-http.ts';
import { workerActionText, type WorkerRestarter } from '@/lib/admin/worker-action-text.ts';
import { formatBytes, formatMs, formatRate } from '@/lib/format.ts';
import type { AskAction } from './admin-types.ts';
import { WorkerStateBadge } from './state-badge.tsx';

/** One grid for the header and the rows on wide screens; below lg each row is a card. */
const GRID =
  'lg:grid-cols-[minmax(0,1.7fr)_minmax(0,0.9fr)_minmax(0,1.4fr)_minmax(0,1fr)_minmax(0,1.4fr)_minmax(0,1.5fr)_minmax(0,0.9fr)_minmax(0,1fr)_minmax(0,1.1fr)_11.5rem]';

const headers = ['Worker', 'Host · pid', 'Runtime', 'State', 'Jobs', 'Batch · KV', 'Speed', 'Memory · up', 'Heartbeat', ''];

function Cell({ label, children, className = '' }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className={`min-w-0 ${className}`}>
      <div className="text-[11px] uppercase tracking-wide text-slate-400 lg:hidden">{label}</div>
      <div className="min-w-0 text-sm text-slate-700">{children}</div>
    </div>
  );
}

function WorkerRow({
  worker,
  all,
  now,
  restarter,
  onAction,
}: {
  worker: AdminWorker;
  all: readonly AdminWorker[];
  now: number;
  /** undefined while the slots are not known yet. */
  restarter: WorkerRestarter | undefined;
  onAction: AskAction;
}) {
  const dead = worker.liveness === 'dead';
  const ask = (action: AdminAction) =>
    onAction({
      title: `${action[0]!.toUpperCase()}${action.slice(1)} ${worker.id}`,
      ...workerActionText(action, worker, all, restarter ?? null),
      run: () => workerAction(worker.id, action),
    });
  const canPause = !dead && worker.state === 'ready';
  const canResume = !dead && worker.state === 'paused';
  const canStop = !dead && worker.state !== 'draining';
  return (
    <li
      className={`grid grid-cols-2 gap-x-4 gap-y-2.5 px-4 py-3 sm:grid-cols-3 lg:items-center lg:gap-y-0 ${GRID} ${dead ? 'bg-rose-50/40' : ''}`}
      data-testid="worker-row"
      data-worker-id={worker.id}
      data-state={worker.state}
      data-liveness={worker.liveness}
    >
      <Cell label="Worker" className="col-span-2 sm:col-span-3 lg:col-span-1">
        <div className="flex items-center justify-between gap-2 lg:block">
          <p className={`truncate font-medium ${dead ? 'text-slate-500' : 'text-slate-900'}`} title={worker.id}>
            {worker.id}
          </p>
          <span className="lg:hidden">
            <WorkerStateBadge worker={worker} />
          </span>
        </div>
        <p className="truncate text-xs text-slate-500" title={worker.checkpoint}>
          {worker.model} · {checkpointName(worker.checkpoint)}
        </p>
        {restarter === undefined ? null : (
          <p
            className="truncate text-[11px] text-slate-400"
            data-testid="worker-restarter"
            data-restartable={restarter !== null}
            title={
              restarter
                ? `${restarter.supervisor} started it: if it stops, Restart on this page starts it again`
                : 'No supervisor owns this worker (started by hand, or by docker compose, which restarts its container itself): this page cannot start it again once it stops'
            }
          >
            {restarter ? `restartable here · ${restarter.supervisor}` : 'not restartable from here'}
          </p>
        )}
      </Cell>
      <Cell label="Host · pid">
        <p className="truncate" title={worker.host}>
          {worker.host}
        </p>
        <p className="text-xs tabular-nums text-slate-500">pid {worker.pid}</p>
      </Cell>
      <Cell label="Runtime">
        <p className="truncate">
          {worker.device} · {shortProvider(worker.executionProvider)} · {worker.dtype}
        </p>
        <p className="text-xs tabular-nums text-slate-500">
          LR {worker.lrSize}
          {worker.hrSize !== null ? ` · HR ${worker.hrSize}` : ''}
        </p>
      </Cell>
      <Cell label="State" className="hidden lg:block">
        <WorkerStateBadge worker={worker} />
      </Cell>
      <Cell label="Jobs">
        <p className="tabular-nums" title="in flight / at a time">
          {worker.inFlight}/{worker.concurrency} running
        </p>
        <p className="text-xs tabular-nums text-slate-500">
          {worker.jobsDone} done · <span className={worker.jobsFailed > 0 ? 'text-rose-600' : ''}>{worker.jobsFailed} failed</span>
        </p>
      </Cell>
      <Cell label="Batch · KV">
        {worker.batch ? (
          <>
            <p className="tabular-nums" data-testid="worker-batch" title="sequences decoding together (or prefilling) / max batch">
              {batchSummary(worker.batch).occupancy}
            </p>
            <p className="truncate text-xs tabular-nums text-slate-500" data-testid="worker-kv" title="KV cache in use of the budget; reserved = prompt + max new tokens of the admitted sequences">
              {batchSummary(worker.batch).kv}
            </p>
            {worker.batch.prefixCache ? (
              <p className="truncate text-xs tabular-nums text-slate-500" data-testid="worker-prefix-cache" title="prefix cache: requests that reused a cached prompt prefix, share of prompt positions not prefilled again, memory it holds (inside the KV budget, evicted first)">
                {batchSummary(worker.batch).prefixCache}
              </p>
            ) : null}
          </>
        ) : (
          <p className="text-slate-400">–</p>
        )}
      </Cell>
      <Cell label="Speed">
        <p className="tabular-nums">{worker.tokensPerSecond === null ? '–' : formatRate(worker.tokensPerSecond)}</p>
        <p className="text-xs tabular-nums text-slate-500">TTFT {worker.ttftMsMedian === null ? '–' : formatMs(worker.ttftMsMedian)}</p>
      </Cell>
      <Cell label="Memory · up">
        <p className="tabular-nums">{formatBytes(worker.memoryRss)}</p>
        <p className="text-xs tabular-nums text-slate-500">up {formatDuration(now - worker.startedAt)}</p>
      </Cell>
      <Cell label="Heartbeat">
        <p className={`tabular-nums ${dead ? 'font-medium text-rose-700' : ''}`} data-testid="heartbeat-age">
          {formatAge(worker.heartbeatAgeMs)} ago
        </p>
        {dead ? (
          <p className="text-xs text-rose-600" title={worker.deadReason ?? undefined}>
            {worker.removeAt !== null ? `removed in ${formatAge(Math.max(0, worker.removeAt - now))}` : 'missed heartbeats'}
          </p>
        ) : (
          <p className="text-xs tabular-nums text-slate-500">{worker.expiresInMs !== null ? `expires in ${formatAge(worker.expiresInMs)}` : ''}</p>
        )}
      </Cell>
      <div className="col-span-2 flex flex-wrap items-center gap-1.5 sm:col-span-3 lg:col-span-1 lg:justify-end">
        {dead ? (
          <p className="text-xs text-rose-700">{worker.deadReason}</p>
        ) : (
          <>
            {worker.state === 'paused' ? (
              <Button size="sm" variant="primary" disabled={!canResume} onClick={() => ask('resume')} data-testid="worker-action-resume">
                Resume
              </Button>
            ) : (
              <Button size="sm" disabled={!canPause} onClick={() => ask('pause')} data-testid="worker-action-pause">
                Pause
              </Button>
            )}
            <Button size="sm" disabled={!canStop} onClick={() => ask('drain')} data-testid="worker-action-drain">
              Drain
            </Button>
            <Button size="sm" variant="ghost" className="text-rose-700 hover:bg-rose-50 hover:text-rose-800" disabled={!canStop} onClick={() => ask('stop')} data-testid="worker-action-stop">
              Stop
            </Button>
          </>
        )}
      </div>
    </li>
  );
}

/** Every worker the controller sees, live or dead (a dead one leaves after a while). */
export function WorkerList({
  workers,
  slots,
  now,
  onAction,
}: {
  workers: readonly AdminWorker[];
  /** The supervised slots (null while not known). */
  slots: readonly SupervisedSlot[] | null;
  now: number;
  onAction: AskAction;
}) {
  const restarterOf = (worker: AdminWorker): WorkerRestarter | undefined => {
    if (slots === null) return undefined;
    const slot = slots.find((s) => s.workerId === worker.id);
    return slot ? { supervisor: slot.supervisor } : null;
  };
  return (
    <div className="overflow-hidden rounded-xl border border-slate-200 bg-surface shadow-sm">
      <div className={`hidden gap-x-4 border-b border-slate-200 bg-slate-50 px-4 py-2 text-[11px] font-medium uppercase tracking-wide text-slate-500 lg:grid ${GRID}`}>
        {headers.map((header, index) => (
          <span key={index} className={index === headers.length - 1 ? 'text-right' : ''}>
            {header || 'Actions'}
          </span>
        ))}
      </div>
      {workers.length === 0 ? (
        <p className="px-4 py-8 text-center text-sm text-slate-500" data-testid="no-workers">
          No worker is registered. Start one with <code className="rounded bg-slate-100 px-1 text-xs">node --import tsx apps/worker/src/main.ts --model models/mgm-tiny</code>.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {workers.map((worker) => (
            <WorkerRow key={worker.id} worker={worker} all={workers} now={now} restarter={restarterOf(worker)} onAction={onAction} />
          ))}
        </ul>
      )}
    </div>
  );
}
