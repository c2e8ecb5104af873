import type { AdminActionResult } from '@mgm/protocol';

/** An action waiting for the admin's confirmation. */
export interface PendingAction {
  title: string;
  description: string;
  confirmLabel: string;
  danger?: boolean;
  run: () => Promise<AdminActionResult>;
}

/** Opens the confirmation of an action. */
export type AskAction = (action: PendingAction) => void;

/** A finished action as the dashboard lists it. */
export interface ShownResult extends AdminActionResult {
  id: number;
  title: string;
  at: number;
}
