import type { SupervisedSlot } from '@mgm/protocol';
import { Button } from '@/components/ui/button.tsx';
import { formatAge } from '@/lib/admin/admin-format.ts';
import { restartSlot } from '@/lib/admin/admin-http.ts';
import type { AskAction } from './admin-types.ts';
import { Badge } from './state-badge.tsx';

/**
 * Worker slots whose process exited (an admin stop or drain, or a crash) and that their
 * supervisor (npm run demo) can start again: one Restart each. Workers nobody supervises are
 * not listed here: their Stop dialog says they cannot be restarted from this page.
 */
export function StoppedWorkers({ slots, now, onAction }: { slots: readonly SupervisedSlot[]; now: number; onAction: AskAction }) {
  return (
    <ul className="divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-surface shadow-sm" data-testid="stopped-workers">
      {slots.map((slot) => (
        <li key={slot.slotId} className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3" data-testid="stopped-slot" data-slot-id={slot.slotId} data-state={slot.state}>
          <div className="min-w-0 flex-1">
            <p className="truncate font-medium text-slate-900">
              {slot.checkpoint} <span className="font-normal text-slate-500">on {slot.device}</span>
            </p>
            <p className="truncate text-xs text-slate-500" title={slot.workerId}>
              last worker {slot.workerId}
              {slot.lastExit ? ` · exited (${slot.lastExit})` : ''} · {formatAge(Math.max(0, now - slot.updatedAt))} ago · started by {slot.supervisor}
              {slot.restarts > 0 ? ` · restarted ${slot.restarts}×` : ''}
            </p>
          </div>
          <Badge label={slot.state === 'starting' ? 'loading' : 'stopped'} testId="stopped-slot-state" />
          <Button
            size="sm"
            variant="primary"
            disabled={slot.state !== 'stopped'}
            data-testid="slot-action-restart"
            onClick={() =>
              onAction({
                title: `Restart ${slot.checkpoint} on ${slot.device}`,
                description: `${slot.supervisor} starts a new worker for ${slot.checkpoint} on ${slot.device} (the command it started ${slot.workerId} with). It joins the list once its checkpoint is loaded, and takes the jobs waiting in its model's queue.`,
                confirmLabel: 'Restart worker',
                run: () => restartSlot(slot.slotId),
              })
            }
          >
            {slot.state === 'starting' ? 'Starting…' : 'Restart'}
          </Button>
        </li>
      ))}
    </ul>
  );
}
