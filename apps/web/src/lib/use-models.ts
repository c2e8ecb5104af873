'use client';

import type { ModelSummary } from '@mgm/protocol';
import { fetchModels } from './controller-http.ts';
import { usePolledResource } from './use-polled-resource.ts';

export interface ModelsState {
  models: ModelSummary[];
  /** True until the first answer (or failure). */
  loading: boolean;
  error: string | null;
  refresh: () => void;
}

const NO_MODELS: ModelSummary[] = [];

/** The live model list, refreshed every few seconds and when the tab comes back into view. */
export function useModels(intervalMs = 5000): ModelsState {
  const { data, loading, error, refresh } = usePolledResource(fetchModels, intervalMs);
  return { models: data ?? NO_MODELS, loading, error, refresh };
}
