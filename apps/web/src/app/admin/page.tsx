import type { Metadata } from 'next';
import { unauthorized } from 'next/navigation';
import { AdminDashboard } from '@/components/admin/admin-dashboard.tsx';
import { AnswerError } from '@/components/generation/answer-error.tsx';
import { checkAdminSession } from '@/lib/admin/admin-session.ts';

export const metadata: Metadata = { title: 'Admin', robots: { index: false } };
export const dynamic = 'force-dynamic';

/** Answers 401 with the login form (app/unauthorized.tsx) unless the request carries a valid admin session. */
export default async function AdminPage() {
  const session = await checkAdminSession();
  if (session === 'unauthorized') unauthorized();
  if (session === 'unreachable') {
    return (
      <main className="mx-auto w-full max-w-xl px-4 py-10">
        <AnswerError error={{ code: 'INTERNAL', message: 'The controller cannot be reached to check your admin session. Is it running?' }} />
      </main>
    );
  }
  return <AdminDashboard />;
}
