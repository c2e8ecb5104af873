'use client';

import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { HistoryDb } from './history-db.ts';
import type { StoredConversation } from './stored-conversation.ts';

const HistoryContext = createContext<HistoryDb | null>(null);

/** Opens the browser's chat history (IndexedDB) for the page, and closes it when the page goes. */
export function HistoryProvider({ children }: { children: ReactNode }) {
  const [db, setDb] = useState<HistoryDb | null>(null);
  useEffect(() => {
    const opened = new HistoryDb();
    setDb(opened);
    return () => opened.close();
  }, []);
  return <HistoryContext.Provider value={db}>{children}</HistoryContext.Provider>;
}

export function useHistoryDb(): HistoryDb | null {
  return useContext(HistoryContext);
}

export interface HistoryList {
  conversations: StoredConversation[];
  loading: boolean;
  /** Why the history cannot be read (private mode, storage refused…). */
  error: string | null;
}

/** Every stored conversation, newest first, kept up to date. */
export function useHistoryList(): HistoryList {
  const db = useHistoryDb();
  const [state, setState] = useState<HistoryList>({ conversations: [], loading: true, error: null });
  useEffect(() => {
    if (!db) return;
    const subscription = db.watch(
      (conversations) => setState({ conversations, loading: false, error: null }),
      (error) => setState({ conversations: [], loading: false, error: `The chat history cannot be read: ${error.message}` }),
    );
    return () => subscription.unsubscribe();
  }, [db]);
  return state;
}
