import type { PaneLabel } from '@mgm/protocol';
import { paneColors } from './pane-colors.ts';

/** The pane's letter in its colour: how a person tells the panes apart at a glance. */
export function PaneBadge({ label, size = 'md' }: { label: PaneLabel; size?: 'sm' | 'md' }) {
  return (
    <span
      aria-hidden="true"
      className={`inline-flex shrink-0 items-center justify-center rounded-md font-bold ${paneColors[label].badge} ${
        size === 'sm' ? 'size-5 text-[11px]' : 'size-7 text-sm'
      }`}
    >
      {label}
    </span>
  );
}
