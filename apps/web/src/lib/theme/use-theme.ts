'use client';

import { useCallback, useEffect, useState } from 'react';
import { isDarkTheme, nextThemePreference, parseThemePreference, THEME_STORAGE_KEY, type ThemePreference } from './theme-preference.ts';

function readStored(): ThemePreference {
  try {
    return parseThemePreference(window.localStorage.getItem(THEME_STORAGE_KEY));
  } catch {
    return 'system';
  }
}

/** The remembered theme choice; applies it (and the system's changes while on "system") to <html>. */
export function useTheme() {
  const [preference, setPreference] = useState<ThemePreference | null>(null);

  useEffect(() => setPreference(readStored()), []);

  useEffect(() => {
    if (preference === null) return;
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => document.documentElement.classList.toggle('dark', isDarkTheme(preference, media.matches));
    apply();
    media.addEventListener('change', apply);
    // Another tab changed the choice.
    const onStorage = (event: StorageEvent) => {
      if (event.key === THEME_STORAGE_KEY) setPreference(parseThemePreference(event.newValue));
    };
    window.addEventListener('storage', onStorage);
    return () => {
      media.removeEventListener('change', apply);
      window.removeEventListener('storage', onStorage);
    };
  }, [preference]);

  const cycle = useCallback(() => {
    setPreference((current) => {
      const next = nextThemePreference(current ?? 'system');
      try {
        if (next === 'system') window.localStorage.removeItem(THEME_STORAGE_KEY);
        else window.localStorage.setItem(THEME_STORAGE_KEY, next);
      } catch {
        // Storage refused (private mode): the choice lasts for this page only.
      }
      return next;
    });
  }, []);

  return { preference, cycle };
}
