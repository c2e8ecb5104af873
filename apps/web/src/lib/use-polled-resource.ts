'use client';

import { useCallback, useEffect, useRef, useState } from 'react';

export interface PolledResourceOptions {
  /**
   * Set `loading` back to true before every fetch (a refresh indicator), not only until the first
   * answer. Default false.
   */
  loadingOnEveryFetch?: boolean;
}

export interface PolledResource<T> {
  /** The last answer, null until the first one. */
  data: T | null;
  loading: boolean;
  error: string | null;
  refresh: () => void;
}

/**
 * Fetches with `fetcher` now, every `intervalMs` while the tab is visible, and when the tab comes
 * back into view. A new fetch aborts the one in flight; an aborted fetch changes nothing.
 * `fetcher` must be stable (a module function or memoised), or every render starts a new poll.
 */
export function usePolledResource<T>(
  fetcher: (signal: AbortSignal) => Promise<T>,
  intervalMs: number,
  options: PolledResourceOptions = {},
): PolledResource<T> {
  const { loadingOnEveryFetch = false } = options;
  const [data, setData] = useState<T | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef<AbortController | null>(null);

  const refresh = useCallback(() => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    if (loadingOnEveryFetch) setLoading(true);
    fetcher(controller.signal).then(
      (next) => {
        setData(next);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err instanceof Error ? err.message : String(err));
        setLoading(false);
      },
    );
  }, [fetcher, loadingOnEveryFetch]);

  useEffect(() => {
    refresh();
    const refreshIfVisible = () => {
      if (document.visibilityState === 'visible') refresh();
    };
    const timer = setInterval(refreshIfVisible, intervalMs);
    document.addEventListener('visibilitychange', refreshIfVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', refreshIfVisible);
      inFlight.current?.abort();
    };
  }, [refresh, intervalMs]);

  return { data, loading, error, refresh };
}
