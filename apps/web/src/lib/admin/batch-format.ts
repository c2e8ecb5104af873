import type { WorkerBatch } from '@mgm/protocol';
import { formatBytes } from '../format.ts';

export interface BatchSummary {
  /** "3/8 in batch", plus " · 2 waiting" when jobs wait for a slot or KV budget. */
  occupancy: string;
  /** "KV 1.2 MB of 18.0 MB · 40% reserved". */
  kv: string;
  /** Reserved share of the KV budget, 0–100 (what admission looks at). */
  reservedPercent: number;
  /** "Prefix cache 75% hits · 60% of prompt · 1.3 MB", "Prefix cache off", or null for a worker without one. */
  prefixCache: string | null;
}

/** The admin table's words for a worker's continuous batch. */
export function batchSummary(batch: WorkerBatch): BatchSummary {
  const reservedPercent = Math.min(100, Math.round((100 * batch.kvTokensReserved) / batch.kvTokensBudget));
  const waiting = batch.waiting > 0 ? ` · ${batch.waiting} waiting` : '';
  return {
    occupancy: `${batch.running}/${batch.maxBatch} in batch${waiting}`,
    kv: `KV ${formatBytes(batch.kvTokensUsed * batch.kvBytesPerToken)} of ${formatBytes(batch.kvTokensBudget * batch.kvBytesPerToken)} · ${reservedPercent}% reserved`,
    reservedPercent,
    prefixCache: prefixCacheSummary(batch.prefixCache),
  };
}

function prefixCacheSummary(cache: WorkerBatch['prefixCache']): string | null {
  if (!cache) return null;
  if (!cache.enabled) return 'Prefix cache off';
  const percent = (part: number, whole: number) => (whole === 0 ? '–' : `${Math.round((100 * part) / whole)}%`);
  return `Prefix cache ${percent(cache.hits, cache.lookups)} hits · ${percent(cache.reusedTokens, cache.promptTokens)} of prompt · ${formatBytes(cache.bytes)}`;
}
