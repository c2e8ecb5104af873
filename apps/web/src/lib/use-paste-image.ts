'use client';

import { useEffect } from 'react';

/** Attaches an image pasted anywhere on the page. */
export function usePasteImage(attach: (blob: Blob, name: string) => unknown): void {
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      for (const item of Array.from(event.clipboardData?.items ?? [])) {
        if (item.kind !== 'file' || !item.type.startsWith('image/')) continue;
        const file = item.getAsFile();
        if (!file) continue;
        event.preventDefault();
        void attach(file, file.name || 'pasted image');
        return;
      }
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, [attach]);
}
