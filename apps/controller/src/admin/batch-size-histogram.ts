import type { AdminWorker } from '@mgm/protocol';

/** Upper bounds (rows per decode step) of the batch-size histogram's buckets. */
export const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

export interface HistogramSample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * `mgm:decode_batch_size`: decode steps by rows per step, per live worker, as a Prometheus
 * histogram. Workers count their steps by batch size since they started (record field
 * `batch.stepsByBatchSize`); this turns those counts into cumulative buckets, _sum and _count.
 */
export function batchSizeSamples(name: string, workers: readonly AdminWorker[]): HistogramSample[] {
  const out: HistogramSample[] = [];
  for (const w of workers) {
    const steps = w.liveness === 'alive' ? w.batch?.stepsByBatchSize : undefined;
    if (!steps) continue;
    const labels = { model: w.model, worker: w.id };
    let count = 0;
    let sum = 0;
    steps.forEach((n, size) => {
      count += n;
      sum += n * size;
    });
    for (const le of BATCH_SIZE_BUCKETS) {
      const below = steps.slice(0, le + 1).reduce((a, b) => a + b, 0);
      out.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: below });
    }
    out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count });
    out.push({ metricName: `${name}_sum`, labels, value: sum });
    out.push({ metricName: `${name}_count`, labels, value: count });
  }
  return out;
}
