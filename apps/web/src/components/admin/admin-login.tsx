'use client';

import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { AlertIcon } from '@/components/ui/icons.tsx';
import { Spinner } from '@/components/ui/spinner.tsx';
import { logIn } from '@/lib/admin/admin-http.ts';

/** Logs in with the admin token; the controller answers with an httpOnly session cookie. */
export function AdminLogin() {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await logIn(token.trim());
    if (result.ok) {
      window.location.reload();
      return;
    }
    setBusy(false);
    setError(result.message);
  };

  return (
    <main className="flex min-h-0 flex-1 items-start justify-center overflow-y-auto px-4 py-10 sm:items-center">
      <form onSubmit={(event) => void submit(event)} className="w-full max-w-sm space-y-4 rounded-xl border border-slate-200 bg-surface p-6 shadow-sm" data-testid="admin-login">
        <div className="space-y-1">
          <h1 className="text-xl font-semibold tracking-tight text-slate-900">Admin</h1>
          <p className="text-sm text-slate-500">
            The worker dashboard is for operators. Log in with the controller&apos;s <code className="rounded bg-slate-100 px-1 text-xs">ADMIN_TOKEN</code>{' '}
            (<code className="rounded bg-slate-100 px-1 text-xs">npm run demo</code> prints it).
          </p>
        </div>
        <div className="space-y-1.5">
          <label htmlFor="admin-token" className="text-sm font-medium text-slate-700">
            Admin token
          </label>
          <input
            id="admin-token"
            type="password"
            autoComplete="current-password"
            required
            value={token}
            onChange={(event) => setToken(event.target.value)}
            className="h-10 w-full rounded-lg border border-slate-300 px-3 text-sm shadow-sm focus:border-brand-500"
            data-testid="admin-token-input"
          />
        </div>
        {error ? (
          <p role="alert" className="flex items-center gap-2 text-sm text-rose-700" data-testid="admin-login-error">
            <AlertIcon className="size-4 shrink-0" /> {error}
          </p>
        ) : null}
        <Button type="submit" variant="primary" className="w-full justify-center" disabled={busy || token.trim() === ''} data-testid="admin-login-button">
          {busy ? <Spinner /> : null} Log in
        </Button>
      </form>
    </main>
  );
}
