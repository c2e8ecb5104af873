'use client';

import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { CheckIcon, CloseIcon, PencilIcon, PlusIcon, TrashIcon } from '@/components/ui/icons.tsx';
import { formatHistoryDate } from '@/lib/history/history-date.ts';
import type { HistoryList } from '@/lib/history/use-history.tsx';
import type { StoredConversation } from '@/lib/history/stored-conversation.ts';

export interface HistorySidebarProps {
  history: HistoryList;
  openId: string | null;
  modelName: (id: string) => string;
  onOpen: (id: string) => void;
  onNew: () => void;
  onRename: (id: string, title: string) => void;
  onDelete: (id: string) => void;
  onDeleteAll: () => void;
  /** Shown when the current chat could not be saved. */
  saveError: string | null;
}

function HistoryItem({
  conversation,
  open,
  modelName,
  onOpen,
  onRename,
  onDelete,
}: {
  conversation: StoredConversation;
  open: boolean;
  modelName: string;
  onOpen: () => void;
  onRename: (title: string) => void;
  onDelete: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(conversation.title);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  if (editing) {
    const save = () => {
      if (draft.trim() !== '') onRename(draft);
      setEditing(false);
    };
    return (
      <li className="flex items-center gap-1 rounded-lg bg-slate-100 px-2 py-1.5">
        <input
          ref={input}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') save();
            if (event.key === 'Escape') {
              event.stopPropagation();
              setEditing(false);
            }
          }}
          aria-label="Chat title"
          data-testid="history-rename-input"
          className="min-w-0 flex-1 rounded border border-slate-300 bg-surface px-1.5 py-1 text-sm outline-none focus:border-brand-500"
        />
        <Button size="icon" variant="ghost" className="size-7" aria-label="Save title" onClick={save}>
          <CheckIcon className="size-4" />
        </Button>
        <Button size="icon" variant="ghost" className="size-7" aria-label="Cancel renaming" onClick={() => setEditing(false)}>
          <CloseIcon className="size-4" />
        </Button>
      </li>
    );
  }

  return (
    <li
      className={`group relative rounded-lg ${open ? 'bg-brand-50' : 'hover:bg-slate-100'}`}
      data-testid="history-item"
      data-conversation-id={conversation.id}
    >
      <button type="button" onClick={onOpen} aria-current={open ? 'true' : undefined} className="block w-full min-w-0 px-3 py-2 pr-16 text-left">
        <span className={`block truncate text-sm ${open ? 'font-medium text-brand-700' : 'text-slate-800'}`} data-testid="history-title" title={conversation.title}>
          {conversation.title}
        </span>
        <span className="block truncate text-[11px] text-slate-500">
          <time dateTime={new Date(conversation.updatedAt).toISOString()}>{formatHistoryDate(conversation.updatedAt, Date.now())}</time> · {modelName}
        </span>
      </button>
      <div className={`absolute inset-y-0 right-1 flex items-center gap-0.5 ${open ? '' : 'opacity-100 lg:opacity-0 lg:group-focus-within:opacity-100 lg:group-hover:opacity-100'}`}>
        <button
          type="button"
          aria-label={`Rename "${conversation.title}"`}
          title="Rename"
          onClick={() => {
            setDraft(conversation.title);
            setEditing(true);
          }}
          className="inline-flex size-7 items-center justify-center rounded-md text-slate-400 hover:bg-surface hover:text-slate-700"
        >
          <PencilIcon className="size-3.5" />
        </button>
        <button
          type="button"
          aria-label={`Delete "${conversation.title}"`}
          title="Delete"
          onClick={onDelete}
          className="inline-flex size-7 items-center justify-center rounded-md text-slate-400 hover:bg-surface hover:text-rose-600"
        >
          <TrashIcon className="size-3.5" />
        </button>
      </div>
    </li>
  );
}

/** Past chats kept in this browser: open, rename, delete one, delete all. */
export function HistorySidebar({ history, openId, modelName, onOpen, onNew, onRename, onDelete, onDeleteAll, saveError }: HistorySidebarProps) {
  const [confirmAll, setConfirmAll] = useState(false);
  const { conversations, loading, error } = history;
  return (
    <div className="flex h-full flex-col" data-testid="history-sidebar">
      <div className="flex items-center justify-between gap-2 px-3 py-3">
        <h2 className="px-1 text-xs font-semibold uppercase tracking-wider text-slate-500">Chats</h2>
        <Button size="sm" variant="secondary" onClick={onNew} title="New chat (Ctrl+Shift+O)">
          <PlusIcon className="size-4" /> New chat
        </Button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-2 scrollbar-thin">
        {error ? <p className="px-2 text-xs text-rose-600">{error}</p> : null}
        {saveError ? <p className="px-2 pb-2 text-xs text-rose-600">{saveError}</p> : null}
        {!loading && !error && conversations.length === 0 ? (
          <p className="px-2 text-xs leading-relaxed text-slate-500">Your chats are kept in this browser and appear here.</p>
        ) : null}
        <ul className="space-y-0.5 pb-2" aria-label="Past chats">
          {conversations.map((conversation) => (
            <HistoryItem
              key={conversation.id}
              conversation={conversation}
              open={conversation.id === openId}
              modelName={modelName(conversation.model)}
              onOpen={() => onOpen(conversation.id)}
              onRename={(title) => onRename(conversation.id, title)}
              onDelete={() => onDelete(conversation.id)}
            />
          ))}
        </ul>
      </div>
      {conversations.length > 0 ? (
        <div className="border-t border-slate-200 px-3 py-2">
          {confirmAll ? (
            <div className="space-y-2" role="alertdialog" aria-label="Delete all chats">
              <p className="text-xs text-slate-600">
                Delete all {conversations.length} chats from this browser? This cannot be undone.
              </p>
              <div className="flex gap-2">
                <Button
                  size="sm"
                  variant="danger"
                  data-testid="confirm-delete-all"
                  onClick={() => {
                    setConfirmAll(false);
                    onDeleteAll();
                  }}
                >
                  Delete all
                </Button>
                <Button size="sm" variant="ghost" onClick={() => setConfirmAll(false)}>
                  Cancel
                </Button>
              </div>
            </div>
          ) : (
            <Button size="sm" variant="ghost" className="w-full justify-center text-slate-500" onClick={() => setConfirmAll(true)} data-testid="delete-all-chats">
              <TrashIcon className="size-4" /> Delete all chats
            </Button>
          )}
        </div>
      ) : null}
    </div>
  );
}
