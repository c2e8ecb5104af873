import { z } from 'zod';

export const themePreferenceSchema = z.enum(['system', 'light', 'dark']);
export type ThemePreference = z.infer<typeof themePreferenceSchema>;

/** Where the choice is remembered (localStorage). */
export const THEME_STORAGE_KEY = 'mgm-serve-theme';

/** What a stored value means: anything but "light" / "dark" follows the system. */
export function parseThemePreference(stored: string | null): ThemePreference {
  const parsed = themePreferenceSchema.safeParse(stored);
  return parsed.success ? parsed.data : 'system';
}

export function isDarkTheme(preference: ThemePreference, systemDark: boolean): boolean {
  return preference === 'dark' || (preference === 'system' && systemDark);
}

/** The toggle goes system → light → dark → system. */
export function nextThemePreference(preference: ThemePreference): ThemePreference {
  return preference === 'system' ? 'light' : preference === 'light' ? 'dark' : 'system';
}

/**
 * Runs in <head> before the first paint, so a dark page never flashes white: the same rule as
 * isDarkTheme, on the stored choice and the system's setting.
 */
export const themeScript = `(function(){try{var p=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});var d=p==='dark'||(p!=='light'&&window.matchMedia('(prefers-color-scheme: dark)').matches);document.documentElement.classList.toggle('dark',d);}catch(e){}})();`;
