'use client';

import type { LeaderboardResponse } from '@mgm/protocol';
import { fetchLeaderboard } from '../votes-http.ts';
import { usePolledResource } from '../use-polled-resource.ts';

export interface LeaderboardState {
  board: LeaderboardResponse | null;
  /** True while any fetch is in flight (the Refresh button shows it). */
  loading: boolean;
  error: string | null;
  refresh: () => void;
}

/** The leaderboard, refreshed every few seconds while the tab is visible and when it comes back into view. */
export function useLeaderboard(intervalMs = 10_000): LeaderboardState {
  const { data, loading, error, refresh } = usePolledResource(fetchLeaderboard, intervalMs, {
    loadingOnEveryFetch: true,
  });
  return { board: data, loading, error, refresh };
}
