'use client';

import type { LeaderboardResponse } from '@mgm/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchLeaderboard } from '../votes-http.ts';

export interface LeaderboardState {
  board: LeaderboardResponse | null;
  loading: boolean;
  error: string | null;
  refresh: () => void;
}

/** The leaderboard, refreshed every few seconds while the tab is visible. */
export function useLeaderboard(intervalMs = 10_000): LeaderboardState {
  const [board, setBoard] = useState<LeaderboardResponse | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef<AbortController | null>(null);

  const refresh = useCallback(() => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setLoading(true);
    fetchLeaderboard(controller.signal).then(
      (next) => {
        setBoard(next);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err instanceof Error ? err.message : String(err));
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') refresh();
    }, intervalMs);
    return () => {
      clearInterval(timer);
      inFlight.current?.abort();
    };
  }, [refresh, intervalMs]);

  return { board, loading, error, refresh };
}
