'use client';

import { MonitorIcon, MoonIcon, SunIcon } from '@/components/ui/icons.tsx';
import { nextThemePreference } from '@/lib/theme/theme-preference.ts';
import { useTheme } from '@/lib/theme/use-theme.ts';

const labels = { system: 'Theme: follows the system', light: 'Theme: light', dark: 'Theme: dark' } as const;

/** Cycles the theme: system → light → dark; the choice is remembered in this browser. */
export function ThemeToggle() {
  const { preference, cycle } = useTheme();
  const current = preference ?? 'system';
  const Icon = current === 'light' ? SunIcon : current === 'dark' ? MoonIcon : MonitorIcon;
  return (
    <button
      type="button"
      onClick={cycle}
      aria-label={`${labels[current]} (switch to ${nextThemePreference(current)})`}
      title={`${labels[current]} · click for ${nextThemePreference(current)}`}
      data-testid="theme-toggle"
      data-theme-preference={preference ?? 'loading'}
      className="inline-flex size-8 shrink-0 sm:size-9 items-center justify-center rounded-md text-slate-500 hover:bg-slate-100 hover:text-slate-900"
    >
      <Icon className="size-5" />
    </button>
  );
}
