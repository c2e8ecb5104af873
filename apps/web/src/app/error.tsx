'use client';

import Link from 'next/link';
import { useEffect } from 'react';
import { StatusPage } from '@/components/ui/status-page.tsx';

/** A page that failed while rendering: say so, offer to try again; the nav stays. */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    document.title = 'Something went wrong · MGM Serve';
    console.error(error);
  }, [error]);
  return (
    <StatusPage
      code="Error"
      title="Something went wrong on this page"
      actions={
        <>
          <button type="button" onClick={reset} className="rounded-lg bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
            Try again
          </button>
          <Link href="/" className="rounded-lg border border-slate-300 bg-surface px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50">
            Go to the chat
          </Link>
        </>
      }
    >
      <p>The page hit an error it could not recover from. Your chats are kept in this browser and are not lost.</p>
      {error.digest ? <p className="mt-2 font-mono text-xs text-slate-500">Reference: {error.digest}</p> : null}
    </StatusPage>
  );
}
