'use client';

import { useEffect } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { Spinner } from '@/components/ui/spinner.tsx';
import type { PendingAction } from './admin-types.ts';

/** Asks before an action runs: what it does, Cancel or Confirm (Escape cancels). */
export function ConfirmDialog({ action, busy, onCancel, onConfirm }: { action: PendingAction; busy: boolean; onCancel: () => void; onConfirm: () => void }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !busy) onCancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [busy, onCancel]);
  return (
    <div className="fixed inset-0 z-50 flex items-end justify-center bg-slate-900/40 dark:bg-black/60 p-3 sm:items-center" onClick={busy ? undefined : onCancel}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        className="w-full max-w-md rounded-xl bg-surface p-5 shadow-xl"
        onClick={(event) => event.stopPropagation()}
        data-testid="confirm-dialog"
      >
        <h2 id="confirm-title" className="text-base font-semibold text-slate-900">
          {action.title}?
        </h2>
        <p className="mt-2 text-sm text-slate-600">{action.description}</p>
        <div className="mt-5 flex justify-end gap-2">
          <Button onClick={onCancel} disabled={busy} data-testid="confirm-cancel">
            Cancel
          </Button>
          <Button autoFocus variant={action.danger ? 'danger' : 'primary'} onClick={onConfirm} disabled={busy} data-testid="confirm-action">
            {busy ? <Spinner className="size-4" /> : null}
            {action.confirmLabel}
          </Button>
        </div>
      </div>
    </div>
  );
}
