import type { ReactNode } from 'react';

/** The body of the 404 and error pages: a code, a title, a sentence and what to do next. */
export function StatusPage({ code, title, children, actions }: { code: string; title: string; children: ReactNode; actions: ReactNode }) {
  return (
    <main className="flex flex-1 items-center justify-center px-6 py-16" data-testid="status-page">
      <div className="max-w-md space-y-4 text-center">
        <p className="text-sm font-semibold uppercase tracking-widest text-brand-600">{code}</p>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        <div className="text-sm leading-relaxed text-slate-600">{children}</div>
        <div className="flex flex-wrap justify-center gap-3 pt-2">{actions}</div>
      </div>
    </main>
  );
}
