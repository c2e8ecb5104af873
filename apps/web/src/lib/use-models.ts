'use client';

import type { ModelSummary } from '@mgm/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchModels } from './controller-http.ts';

export interface ModelsState {
  models: ModelSummary[];
  /** True until the first answer (or failure). */
  loading: boolean;
  error: string | null;
  refresh: () => void;
}

/** The live model list, refreshed every few seconds and when the tab comes back into view. */
export function useModels(intervalMs = 5000): ModelsState {
  const [models, setModels] = useState<ModelSummary[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef<AbortController | null>(null);

  const refresh = useCallback(() => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    fetchModels(controller.signal).then(
      (list) => {
        setModels(list);
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
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      inFlight.current?.abort();
    };
  }, [refresh, intervalMs]);

  return { models, loading, error, refresh };
}
