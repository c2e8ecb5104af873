/** The chat page's keyboard shortcuts, as the help lists them. */
export const chatShortcuts = [
  { keys: ['Enter'], action: 'Send the question' },
  { keys: ['Shift', 'Enter'], action: 'New line' },
  { keys: ['Esc'], action: 'Stop the answer' },
  { keys: ['Ctrl', 'Shift', 'O'], action: 'New chat' },
  { keys: ['?'], action: 'Show this help' },
] as const;

export type ChatShortcut = 'stop' | 'new-chat' | 'help';

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  /** True when the key went to a text field (a "?" typed there is text, not a shortcut). */
  inTextField: boolean;
}

/** Which shortcut a key press is, if any (Cmd stands for Ctrl on a Mac). */
export function chatShortcutOf(event: KeyLike): ChatShortcut | null {
  if (event.key === 'Escape' && !event.ctrlKey && !event.metaKey && !event.altKey) return 'stop';
  if ((event.ctrlKey || event.metaKey) && event.shiftKey && !event.altKey && event.key.toLowerCase() === 'o') return 'new-chat';
  if (event.key === '?' && !event.inTextField && !event.ctrlKey && !event.metaKey && !event.altKey) return 'help';
  return null;
}
