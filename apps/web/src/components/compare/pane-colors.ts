import type { PaneLabel } from '@mgm/protocol';

export interface PaneColor {
  /** The letter badge. */
  badge: string;
  /** The coloured top edge of an answer card. */
  edge: string;
  /** A light tint (headers, chosen vote). */
  tint: string;
  text: string;
}

/** One colour per pane letter, the same on the compare page and in the arena. */
export const paneColors: Record<PaneLabel, PaneColor> = {
  A: { badge: 'bg-sky-600 text-white', edge: 'border-t-sky-500', tint: 'bg-sky-50 border-sky-200', text: 'text-sky-700' },
  B: { badge: 'bg-orange-600 text-white', edge: 'border-t-orange-500', tint: 'bg-orange-50 border-orange-200', text: 'text-orange-700' },
  C: { badge: 'bg-emerald-600 text-white', edge: 'border-t-emerald-500', tint: 'bg-emerald-50 border-emerald-200', text: 'text-emerald-700' },
  D: { badge: 'bg-fuchsia-600 text-white', edge: 'border-t-fuchsia-500', tint: 'bg-fuchsia-50 border-fuchsia-200', text: 'text-fuchsia-700' },
};
