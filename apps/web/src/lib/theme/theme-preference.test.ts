import { describe, expect, it } from 'vitest';
import { isDarkTheme, nextThemePreference, parseThemePreference } from './theme-preference.ts';

describe('theme preference', () => {
  it('follows the system unless light or dark was chosen', () => {
    expect(isDarkTheme('system', true)).toBe(true);
    expect(isDarkTheme('system', false)).toBe(false);
    expect(isDarkTheme('light', true)).toBe(false);
    expect(isDarkTheme('dark', false)).toBe(true);
  });

  it('reads anything unknown as "system"', () => {
    expect(parseThemePreference(null)).toBe('system');
    expect(parseThemePreference('blue')).toBe('system');
    expect(parseThemePreference('dark')).toBe('dark');
  });

  it('cycles system → light → dark → system', () => {
    expect(nextThemePreference('system')).toBe('light');
    expect(nextThemePreference('light')).toBe('dark');
    expect(nextThemePreference('dark')).toBe('system');
  });
});
