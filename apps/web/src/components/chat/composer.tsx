'use client';

import { useEffect, useRef, type KeyboardEvent } from 'react';
import { PaperclipIcon, SendIcon, StopIcon } from '@/components/ui/icons.tsx';

export interface ComposerProps {
  value: string;
  onChange: (value: string) => void;
  onSend: () => void;
  onStop: () => void;
  onAttach: () => void;
  busy: boolean;
  canSend: boolean;
  /** Why sending is not possible right now, shown as the send button's title. */
  blockedReason: string | null;
  placeholder: string;
  focusKey?: number;
}

export function Composer({ value, onChange, onSend, onStop, onAttach, busy, canSend, blockedReason, placeholder, focusKey }: ComposerProps) {
  const textarea = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const element = textarea.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, 200)}px`;
  }, [value]);

  useEffect(() => {
    if (focusKey) textarea.current?.focus();
  }, [focusKey]);

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      if (canSend) onSend();
    }
  }

  return (
    <form
      className="flex items-end gap-2 rounded-2xl border border-slate-300 bg-surface p-2 shadow-sm focus-within:border-brand-500 focus-within:ring-2 focus-within:ring-brand-100"
      onSubmit={(event) => {
        event.preventDefault();
        if (canSend) onSend();
      }}
    >
      <button
        type="button"
        onClick={onAttach}
        aria-label="Attach an image"
        title="Attach an image (or drop / paste one)"
        className="inline-flex size-10 shrink-0 items-center justify-center rounded-xl text-slate-500 hover:bg-slate-100 hover:text-slate-800"
      >
        <PaperclipIcon className="size-5" />
      </button>
      <textarea
        ref={textarea}
        rows={1}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={onKeyDown}
        placeholder={placeholder}
        aria-label="Your question"
        data-testid="composer-input"
        className="max-h-[200px] min-h-10 flex-1 resize-none bg-transparent px-1 py-2 text-[15px] leading-6 outline-none placeholder:text-slate-400"
      />
      {busy ? (
        <button
          type="button"
          onClick={onStop}
          aria-label="Stop"
          title="Stop generating"
          data-testid="stop-button"
          className="inline-flex size-10 shrink-0 items-center justify-center rounded-xl bg-slate-900 text-surface hover:bg-slate-700"
        >
          <StopIcon className="size-4" />
        </button>
      ) : (
        <button
          type="submit"
          disabled={!canSend}
          aria-label="Send"
          title={blockedReason ?? 'Send (Enter)'}
          data-testid="send-button"
          className="inline-flex size-10 shrink-0 items-center justify-center rounded-xl bg-brand-600 text-white hover:bg-brand-700 disabled:cursor-not-allowed disabled:bg-slate-200 disabled:text-slate-400"
        >
          <SendIcon className="size-5" />
        </button>
      )}
    </form>
  );
}
