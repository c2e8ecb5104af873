'use client';

import type { ImageLensWire } from '@mgm/protocol';
import { useEffect, useState } from 'react';
import { fetchLens } from './fetch-lens.ts';

export type LensLoad = { status: 'loading' } | { status: 'ready'; lens: ImageLensWire } | { status: 'error'; message: string };

/** Loads a job's lens once the view opens (and again for another job). */
export function useLens(jobId: string): LensLoad {
  const [state, setState] = useState<LensLoad>({ status: 'loading' });
  useEffect(() => {
    const abort = new AbortController();
    setState({ status: 'loading' });
    fetchLens(jobId, abort.signal).then(
      (lens) => setState({ status: 'ready', lens }),
      (err: unknown) => {
        if (!abort.signal.aborted) setState({ status: 'error', message: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => abort.abort();
  }, [jobId]);
  return state;
}
