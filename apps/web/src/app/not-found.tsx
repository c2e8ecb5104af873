import type { Metadata } from 'next';
import Link from 'next/link';
import { StatusPage } from '@/components/ui/status-page.tsx';

export const metadata: Metadata = { title: { absolute: 'Page not found · MGM Serve' } };

export default function NotFound() {
  return (
    <StatusPage
      code="404"
      title="This page does not exist"
      actions={
        <>
          <Link href="/" className="rounded-lg bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
            Go to the chat
          </Link>
          <Link href="/compare" className="rounded-lg border border-slate-300 bg-surface px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50">
            Compare models
          </Link>
        </>
      }
    >
      The address may be mistyped, or the page moved. The chat, compare, arena, leaderboard and admin pages are in the bar above.
    </StatusPage>
  );
}
