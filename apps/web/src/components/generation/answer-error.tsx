import type { ErrorCode } from '@mgm/protocol';
import { AlertIcon } from '@/components/ui/icons.tsx';
import { errorTitle } from '@/lib/error-text.ts';

export function AnswerError({ error }: { error: { code: ErrorCode; message: string } }) {
  return (
    <div role="alert" className="flex gap-3 rounded-lg border border-rose-200 bg-rose-50 px-3 py-2.5 text-sm text-rose-800" data-testid="answer-error">
      <AlertIcon className="mt-0.5 size-4 shrink-0 text-rose-500" />
      <div className="min-w-0">
        <p className="font-medium">{errorTitle(error.code)}</p>
        <p className="break-words text-rose-700">{error.message}</p>
      </div>
    </div>
  );
}
