import { describe, expect, it } from 'vitest';
import { chatShortcutOf } from './chat-shortcuts.ts';

const press = (key: string, extra: Partial<Parameters<typeof chatShortcutOf>[0]> = {}) =>
  chatShortcutOf({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, inTextField: false, ...extra });

describe('chatShortcutOf', () => {
  it('stops on Esc, even from the composer', () => {
    expect(press('Escape')).toBe('stop');
    expect(press('Escape', { inTextField: true })).toBe('stop');
  });

  it('starts a new chat on Ctrl+Shift+O or Cmd+Shift+O', () => {
    expect(press('O', { ctrlKey: true, shiftKey: true })).toBe('new-chat');
    expect(press('o', { metaKey: true, shiftKey: true, inTextField: true })).toBe('new-chat');
    expect(press('o', { ctrlKey: true })).toBeNull();
  });

  it('opens the help on "?" outside text fields only', () => {
    expect(press('?', { shiftKey: true })).toBe('help');
    expect(press('?', { shiftKey: true, inTextField: true })).toBeNull();
    expect(press('a')).toBeNull();
  });
});
