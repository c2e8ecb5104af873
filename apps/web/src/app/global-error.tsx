'use client';

import { themeScript } from '@/lib/theme/theme-preference.ts';
import './globals.css';

/** The root layout itself failed: this replaces it, so it brings its own <html>, theme and styles. */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <title>Something went wrong · MGM Serve</title>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="flex h-dvh flex-col items-center justify-center px-6">
        <div className="max-w-md space-y-4 text-center">
          <p className="text-sm font-semibold uppercase tracking-widest text-brand-600">Error</p>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">MGM Serve hit an error</h1>
          <p className="text-sm text-slate-600">The app could not render. Try again, or reload the page.</p>
          {error.digest ? <p className="font-mono text-xs text-slate-500">Reference: {error.digest}</p> : null}
          <button type="button" onClick={reset} className="rounded-lg bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
            Try again
          </button>
        </div>
      </body>
    </html>
  );
}
