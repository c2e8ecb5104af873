'use client';

import { useState } from 'react';
import { LensPanel } from './lens-panel.tsx';

/** "What the model sees" under an answer that has a lens: opens the lens in place. */
export function LensToggle({ jobId, modelName }: { jobId: string; modelName: string }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="mt-2" data-testid="lens-toggle">
      <button
        type="button"
        aria-expanded={open}
        onClick={() => setOpen((was) => !was)}
        data-testid="lens-button"
        className="inline-flex items-center gap-1.5 rounded-md border border-slate-200 px-2 py-1 text-xs font-medium text-slate-600 hover:bg-slate-50 hover:text-slate-900"
      >
        <svg viewBox="0 0 20 20" className="size-3.5" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.8">
          <circle cx="8.5" cy="8.5" r="5.5" />
          <path d="m13 13 4.5 4.5" strokeLinecap="round" />
        </svg>
        {open ? 'Hide what the model sees' : 'What the model sees'}
      </button>
      {open ? <LensPanel jobId={jobId} modelName={modelName} /> : null}
    </div>
  );
}
