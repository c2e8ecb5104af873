'use client';

import { chatShortcuts } from '@/lib/chat-shortcuts.ts';

/** The small list of keyboard shortcuts (opened with "?" or the keyboard button). */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <div
      role="dialog"
      aria-label="Keyboard shortcuts"
      data-testid="shortcut-help"
      className="absolute bottom-full right-0 z-30 mb-2 w-64 rounded-xl border border-slate-200 bg-surface p-3 text-sm shadow-lg"
    >
      <div className="mb-2 flex items-center justify-between">
        <span className="font-semibold text-slate-800">Keyboard shortcuts</span>
        <button type="button" onClick={onClose} className="text-xs text-slate-500 hover:text-slate-800">
          Close
        </button>
      </div>
      <dl className="space-y-1.5">
        {chatShortcuts.map((shortcut) => (
          <div key={shortcut.action} className="flex items-center justify-between gap-3">
            <dt className="text-slate-600">{shortcut.action}</dt>
            <dd className="flex gap-1">
              {shortcut.keys.map((key) => (
                <kbd key={key} className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-[11px] text-slate-700">
                  {key}
                </kbd>
              ))}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
