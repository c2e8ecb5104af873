import type { AdminModel, SeriesPoint } from '@mgm/protocol';
import { Button } from '@/components/ui/button.tsx';
import { clearFailedJobs, queueAction, retryFailedJobs } from '@/lib/admin/admin-http.ts';
import { formatCount } from '@/lib/admin/admin-format.ts';
import type { AskAction } from './admin-types.ts';
import { Sparkline } from './sparkline.tsx';
import { Badge } from './state-badge.tsx';

export interface ModelCardProps {
  model: AdminModel;
  points: readonly SeriesPoint[];
  now: number;
  windowMs: number;
  intervalMs: number;
  onAction: AskAction;
}

function QueueCount({ label, value, tone = 'text-slate-900' }: { label: string; value: number; tone?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-[11px] uppercase tracking-wide text-slate-400">{label}</dt>
      <dd className={`text-lg font-semibold tabular-nums ${value > 0 ? tone : 'text-slate-900'}`} data-testid={`queue-${label}`}>
        {formatCount(value)}
      </dd>
    </div>
  );
}

/** One model: its workers, its queue, 15-minute charts, and the queue-wide actions. */
export function ModelCard({ model, points, now, windowMs, intervalMs, onAction }: ModelCardProps) {
  const { workers, queue } = model;
  const last = points.at(-1);
  const workerText = [
    `${workers.alive} live`,
    workers.ready !== workers.alive ? `${workers.ready} ready` : null,
    workers.paused > 0 ? `${workers.paused} paused` : null,
    workers.draining > 0 ? `${workers.draining} draining` : null,
    workers.loading > 0 ? `${workers.loading} loading` : null,
    workers.dead > 0 ? `${workers.dead} dead` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <article className="flex min-w-0 flex-col gap-4 rounded-xl border border-slate-200 bg-surface p-4 shadow-sm" data-testid="model-card" data-model={model.id}>
      <header className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="truncate font-semibold text-slate-900" title={model.id}>
            {model.displayName}
          </h3>
          <p className="truncate text-xs text-slate-500">
            <span className="font-mono">{model.id}</span> · {workerText}
          </p>
        </div>
        {model.queuePaused ? <Badge label="paused" testId="queue-paused" /> : null}
      </header>

      <dl className="grid grid-cols-4 gap-2">
        <QueueCount label="waiting" value={queue.waiting + queue.delayed} tone="text-amber-700" />
        <QueueCount label="active" value={queue.active} tone="text-sky-700" />
        <QueueCount label="completed" value={queue.completed} />
        <QueueCount label="failed" value={queue.failed} tone="text-rose-700" />
      </dl>

      <div className="grid grid-cols-2 gap-3">
        <Sparkline
          title="tokens/s"
          current={last ? last.tokensPerSecond.toFixed(1) : '–'}
          points={points.map((p) => ({ t: p.t, value: p.tokensPerSecond }))}
          end={now}
          windowMs={windowMs}
          intervalMs={intervalMs}
          formatMax={(max) => max.toFixed(max < 10 ? 1 : 0)}
          testId="chart-tokens"
        />
        <Sparkline
          title="queue depth"
          current={last ? String(last.waiting + last.active) : '–'}
          points={points.map((p) => ({ t: p.t, value: p.waiting + p.active }))}
          end={now}
          windowMs={windowMs}
          intervalMs={intervalMs}
          formatMax={(max) => String(Math.round(max))}
          minMax={4}
          tone="amber"
          testId="chart-queue"
        />
      </div>

      <div className="mt-auto flex flex-wrap gap-2">
        {model.queuePaused ? (
          <Button
            size="sm"
            variant="primary"
            data-testid="queue-resume"
            onClick={() =>
              onAction({
                title: `Resume the queue of ${model.id}`,
                description: `Its workers take its waiting jobs (${queue.waiting}) and new ones again.`,
                confirmLabel: 'Resume queue',
                run: () => queueAction(model.id, 'resume'),
              })
            }
          >
            Resume queue
          </Button>
        ) : (
          <Button
            size="sm"
            data-testid="queue-pause"
            onClick={() =>
              onAction({
                title: `Pause the queue of ${model.id}`,
                description:
                  'No worker of this model takes a new job until the queue is resumed; jobs being answered finish. New questions wait in the queue.',
                confirmLabel: 'Pause queue',
                run: () => queueAction(model.id, 'pause'),
              })
            }
          >
            Pause queue
          </Button>
        )}
        {queue.failed > 0 ? (
          <>
            <Button
              size="sm"
              data-testid="failed-retry"
              onClick={() =>
                onAction({
                  title: `Retry the failed jobs of ${model.id}`,
                  description: `The ${queue.failed} failed job(s) go back to the queue and run again; their old answers are discarded.`,
                  confirmLabel: 'Retry failed',
                  run: () => retryFailedJobs(model.id),
                })
              }
            >
              Retry failed
            </Button>
            <Button
              size="sm"
              variant="ghost"
              data-testid="failed-clear"
              onClick={() =>
                onAction({
                  title: `Clear the failed jobs of ${model.id}`,
                  description: `The ${queue.failed} failed job(s) are removed from the queue for good.`,
                  confirmLabel: 'Clear failed',
                  danger: true,
                  run: () => clearFailedJobs(model.id),
                })
              }
            >
              Clear failed
            </Button>
          </>
        ) : null}
      </div>
    </article>
  );
}
