'use client';

import { useCallback, useRef, useState, type ReactNode } from 'react';
import type { AdminSnapshot } from '@mgm/protocol';
import { Button } from '@/components/ui/button.tsx';
import { AlertIcon } from '@/components/ui/icons.tsx';
import { Spinner } from '@/components/ui/spinner.tsx';
import { formatClock } from '@/lib/admin/admin-format.ts';
import { logOut } from '@/lib/admin/admin-http.ts';
import { useAdminFeed } from '@/lib/admin/use-admin-feed.ts';
import { useSupervisedSlots } from '@/lib/admin/use-supervised-slots.ts';
import { ActionResults } from './action-results.tsx';
import { ApiKeysSection } from './api-keys-section.tsx';
import type { PendingAction, ShownResult } from './admin-types.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { JobList } from './job-list.tsx';
import { ModelCard } from './model-card.tsx';
import { StoppedWorkers } from './stopped-workers.tsx';
import { WorkerList } from './worker-list.tsx';

const RESULT_LIFETIME_MS = 12_000;

function Stat({ label, value, tone = 'text-slate-900', testId }: { label: string; value: ReactNode; tone?: string; testId?: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-surface px-3 py-2.5 shadow-sm sm:px-4 sm:py-3">
      <p className="text-[11px] font-medium uppercase tracking-wider text-slate-400">{label}</p>
      <p className={`mt-0.5 text-xl font-semibold tabular-nums sm:text-2xl ${tone}`} data-testid={testId}>
        {value}
      </p>
    </div>
  );
}

function Section({ title, hint, children }: { title: string; hint?: string; children: ReactNode }) {
  return (
    <section className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-600">{title}</h2>
        {hint ? <p className="text-xs text-slate-400">{hint}</p> : null}
      </div>
      {children}
    </section>
  );
}

function totals(snapshot: AdminSnapshot) {
  const alive = snapshot.workers.filter((w) => w.liveness === 'alive').length;
  const sum = (pick: (m: AdminSnapshot['models'][number]) => number) => snapshot.models.reduce((n, m) => n + pick(m), 0);
  return {
    alive,
    dead: snapshot.workers.length - alive,
    waiting: sum((m) => m.queue.waiting + m.queue.delayed),
    active: sum((m) => m.queue.active),
    failed: sum((m) => m.queue.failed),
  };
}

/** The admin dashboard: live workers, queues with charts, actions, last jobs. */
export function AdminDashboard() {
  const feed = useAdminFeed();
  const [pending, setPending] = useState<PendingAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<ShownResult[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setResults((list) => list.filter((r) => r.id !== id)), []);
  const cancel = useCallback(() => setPending(null), []);
  const confirm = useCallback(async () => {
    if (!pending) return;
    setBusy(true);
    const result = await pending.run();
    const shown: ShownResult = { ...result, id: nextId.current++, title: pending.title, at: Date.now() };
    setBusy(false);
    setPending(null);
    setResults((list) => [shown, ...list].slice(0, 4));
    setTimeout(() => dismiss(shown.id), RESULT_LIFETIME_MS);
  }, [pending, dismiss]);

  const signOut = async () => {
    await logOut();
    window.location.reload();
  };

  const { snapshot, series } = feed;
  const sum = snapshot ? totals(snapshot) : null;
  const slots = useSupervisedSlots(snapshot !== null && !feed.unauthorized);
  const stopped = slots?.filter((slot) => slot.state !== 'running') ?? [];
  return (
    <main className="min-h-0 flex-1 overflow-y-auto scrollbar-thin" data-testid="admin-dashboard">
      <div className="mx-auto max-w-screen-2xl space-y-6 px-3 py-5 sm:px-6 sm:py-7">
        <header className="flex flex-wrap items-center justify-between gap-3">
          <div className="min-w-0">
            <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Workers</h1>
            <p className="flex items-center gap-1.5 text-sm text-slate-500" data-testid="admin-connection" data-connected={feed.connected}>
              <span className={`size-2 rounded-full ${feed.connected ? 'bg-emerald-500' : 'bg-slate-300'}`} aria-hidden="true" />
              {feed.connected ? 'live' : 'connecting…'}
              {snapshot ? <span className="tabular-nums">· updated {formatClock(snapshot.at)}</span> : null}
            </p>
          </div>
          <Button size="sm" variant="ghost" onClick={() => void signOut()} data-testid="admin-logout">
            Log out
          </Button>
        </header>

        {feed.unauthorized ? (
          <div role="alert" className="flex flex-wrap items-center gap-3 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2.5 text-sm text-amber-900">
            <AlertIcon className="size-4 shrink-0" />
            <span className="flex-1">{feed.unauthorized}</span>
            <Button size="sm" onClick={() => window.location.reload()}>
              Log in again
            </Button>
          </div>
        ) : feed.error ? (
          <div role="alert" className="flex items-center gap-2 rounded-lg border border-rose-200 bg-rose-50 px-3 py-2.5 text-sm text-rose-800">
            <AlertIcon className="size-4 shrink-0" /> {feed.error}
          </div>
        ) : null}

        {!snapshot || !sum ? (
          feed.unauthorized ? null : (
            <p className="flex items-center gap-2 py-10 text-sm text-slate-500">
              <Spinner /> Waiting for the controller…
            </p>
          )
        ) : (
          <>
            <div className="grid grid-cols-3 gap-2 sm:gap-3 lg:grid-cols-6">
              <Stat label="Live workers" value={sum.alive} testId="stat-alive" />
              <Stat label="Dead" value={sum.dead} tone={sum.dead > 0 ? 'text-rose-700' : 'text-slate-900'} testId="stat-dead" />
              <Stat label="Models" value={snapshot.models.length} />
              <Stat label="Waiting" value={sum.waiting} tone={sum.waiting > 0 ? 'text-amber-700' : 'text-slate-900'} />
              <Stat label="Running" value={sum.active} />
              <Stat label="Failed" value={sum.failed} tone={sum.failed > 0 ? 'text-rose-700' : 'text-slate-900'} />
            </div>


            <Section title="Workers" hint="a worker that stops heartbeating turns dead, then leaves the list">
              <WorkerList workers={snapshot.workers} slots={slots} now={snapshot.at} onAction={setPending} />
            </Section>

            {stopped.length > 0 ? (
              <Section title="Stopped workers" hint={`started by ${stopped[0]!.supervisor}: its supervisor starts them again on request`}>
                <StoppedWorkers slots={stopped} now={snapshot.at} onAction={setPending} />
              </Section>
            ) : null}

            <Section title="Models" hint="queues and the last 15 minutes">
              {snapshot.models.length === 0 ? (
                <p className="rounded-xl border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500">No model is served.</p>
              ) : (
                <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-3">
                  {snapshot.models.map((model) => (
                    <ModelCard
                      key={model.id}
                      model={model}
                      points={series?.models[model.id] ?? []}
                      now={snapshot.at}
                      windowMs={series?.windowMs ?? 15 * 60_000}
                      intervalMs={series?.intervalMs ?? 5000}
                      onAction={setPending}
                    />
                  ))}
                </div>
              )}
            </Section>

            <Section title="Last jobs">
              <JobList jobs={snapshot.jobs} models={snapshot.models.map((m) => m.id)} onAction={setPending} />
            </Section>

            <Section title="API keys" hint="OpenAI-compatible API (/v1): per-key usage and limits; traffic per key and model on /metrics">
              <ApiKeysSection onAction={setPending} />
            </Section>
          </>
        )}
      </div>
      {pending ? <ConfirmDialog action={pending} busy={busy} onCancel={cancel} onConfirm={() => void confirm()} /> : null}
      <ActionResults results={results} onDismiss={dismiss} />
    </main>
  );
}
