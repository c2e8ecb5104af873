import { AlertIcon, CheckIcon, CloseIcon } from '@/components/ui/icons.tsx';
import { formatClock } from '@/lib/admin/admin-format.ts';
import type { ShownResult } from './admin-types.ts';

/** What the last actions did, in words (newest first), until dismissed. */
export function ActionResults({ results, onDismiss }: { results: readonly ShownResult[]; onDismiss: (id: number) => void }) {
  return (
    <div className="pointer-events-none fixed inset-x-3 bottom-3 z-40 flex flex-col items-stretch gap-2 sm:inset-x-auto sm:right-4 sm:w-96" aria-live="polite">
      {results.map((result) => (
        <div
          key={result.id}
          className={`pointer-events-auto flex items-start gap-2.5 rounded-lg border px-3 py-2.5 text-sm shadow-lg ${
            result.ok ? 'border-emerald-200 bg-emerald-50 text-emerald-900' : 'border-rose-200 bg-rose-50 text-rose-900'
          }`}
          role={result.ok ? 'status' : 'alert'}
          data-testid="action-result"
          data-ok={result.ok}
        >
          {result.ok ? <CheckIcon className="mt-0.5 size-4 shrink-0 text-emerald-600" /> : <AlertIcon className="mt-0.5 size-4 shrink-0 text-rose-500" />}
          <div className="min-w-0 flex-1">
            <p className="font-medium">
              {result.title} <span className="font-normal opacity-60">· {formatClock(result.at)}</span>
            </p>
            <p className="break-words" data-testid="action-result-message">
              {result.message}
            </p>
          </div>
          <button type="button" className="rounded p-0.5 opacity-60 hover:opacity-100" onClick={() => onDismiss(result.id)} aria-label="Dismiss">
            <CloseIcon className="size-4" />
          </button>
        </div>
      ))}
    </div>
  );
}
