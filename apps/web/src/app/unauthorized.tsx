import type { Metadata } from 'next';
import { AdminLogin } from '@/components/admin/admin-login.tsx';

export const metadata: Metadata = { title: 'Log in', robots: { index: false } };

/** Rendered with status 401 where a page calls unauthorized() (the admin page). */
export default function Unauthorized() {
  return <AdminLogin />;
}
