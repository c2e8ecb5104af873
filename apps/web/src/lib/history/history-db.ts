import { Dexie, liveQuery, type EntityTable, type Subscription } from 'dexie';
import type { StoredConversation } from './stored-conversation.ts';

/** The IndexedDB database name of the chat history. */
export const HISTORY_DB_NAME = 'mgm-serve-history';

/** The browser's chat history: one IndexedDB database (Dexie), table `conversations`. */
export class HistoryDb {
  private readonly db: Dexie & { conversations: EntityTable<StoredConversation, 'id'> };

  constructor(name: string = HISTORY_DB_NAME) {
    this.db = new Dexie(name) as Dexie & { conversations: EntityTable<StoredConversation, 'id'> };
    this.db.version(1).stores({ conversations: 'id, updatedAt' });
  }

  /** Calls `onChange` with every conversation, newest first, now and after each change (any tab). */
  watch(onChange: (conversations: StoredConversation[]) => void, onError: (error: Error) => void): Subscription {
    return liveQuery(() => this.db.conversations.orderBy('updatedAt').reverse().toArray()).subscribe({
      next: onChange,
      error: (error: unknown) => onError(error instanceof Error ? error : new Error(String(error))),
    });
  }

  get(id: string): Promise<StoredConversation | undefined> {
    return this.db.conversations.get(id);
  }

  /** Saves a conversation; a title the user chose is kept. */
  async save(conversation: Omit<StoredConversation, 'renamed'>): Promise<void> {
    await this.db.transaction('rw', this.db.conversations, async () => {
      const existing = await this.db.conversations.get(conversation.id);
      await this.db.conversations.put(
        existing?.renamed ? { ...conversation, title: existing.title, renamed: true } : { ...conversation, renamed: false },
      );
    });
  }

  async rename(id: string, title: string): Promise<void> {
    const trimmed = title.replace(/\s+/g, ' ').trim();
    if (trimmed === '') return;
    await this.db.conversations.update(id, { title: trimmed, renamed: true });
  }

  async remove(id: string): Promise<void> {
    await this.db.conversations.delete(id);
  }

  async removeAll(): Promise<void> {
    await this.db.conversations.clear();
  }

  close(): void {
    this.db.close();
  }
}
