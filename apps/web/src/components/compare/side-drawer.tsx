'use client';

import type { ReactNode } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { CloseIcon } from '@/components/ui/icons.tsx';

export interface SideDrawerProps {
  /** Accessible name of the panel. */
  label: string;
  /** Only matters below the lg breakpoint, where the panel is a drawer; above it is always shown. */
  open: boolean;
  onClose: () => void;
  children: ReactNode;
}

/** The settings column of a page: static on a laptop, a drawer from the left on a phone. */
export function SideDrawer({ label, open, onClose, children }: SideDrawerProps) {
  return (
    <>
      {open ? <button type="button" aria-label={`Close ${label.toLowerCase()}`} className="fixed inset-0 z-30 bg-slate-900/40 dark:bg-black/60 lg:hidden" onClick={onClose} /> : null}
      <aside
        aria-label={label}
        className={`fixed inset-y-0 left-0 z-40 w-[min(22rem,88vw)] overflow-y-auto border-r border-slate-200 bg-surface shadow-xl transition-transform scrollbar-thin lg:static lg:z-auto lg:w-80 lg:translate-x-0 lg:shadow-none ${
          open ? 'translate-x-0' : 'invisible -translate-x-full lg:visible'
        }`}
      >
        <div className="flex items-center justify-between border-b border-slate-100 px-5 py-3 lg:hidden">
          <span className="font-semibold">{label}</span>
          <Button size="icon" variant="ghost" aria-label={`Close ${label.toLowerCase()}`} onClick={onClose}>
            <CloseIcon className="size-5" />
          </Button>
        </div>
        {children}
      </aside>
    </>
  );
}

export function DrawerSection({ title, action, children }: { title: string; action?: ReactNode; children: ReactNode }) {
  return (
    <section className="space-y-3 border-b border-slate-100 px-5 py-5 last:border-b-0">
      <div className="flex items-center justify-between">
        <h2 className="text-xs font-semibold uppercase tracking-wider text-slate-400">{title}</h2>
        {action}
      </div>
      {children}
    </section>
  );
}
