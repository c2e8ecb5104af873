import type { ModelSummary, WorkerRecord } from '@mgm/protocol';

/** Groups live worker records by model: one summary per model, sorted by id. */
export function summarizeModels(records: readonly WorkerRecord[]): ModelSummary[] {
  const byModel = new Map<string, WorkerRecord[]>();
  for (const record of records) {
    const list = byModel.get(record.model) ?? [];
    list.push(record);
    byModel.set(record.model, list);
  }
  return [...byModel.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, workers]) => {
      // The most recently started worker describes the model (after an upgrade it is the new one).
      const latest = workers.reduce((a, b) => (b.startedAt > a.startedAt ? b : a));
      return {
        id,
        displayName: latest.displayName,
        architecture: latest.architecture,
        template: latest.template,
        workers: workers.length,
        ready: workers.filter((w) => w.state === 'ready').length,
        visualTokens: latest.visualTokens,
        contextLength: latest.contextLength,
        lrSize: latest.lrSize,
        hrSize: latest.hrSize,
        capabilities: latest.capabilities,
        evaluation: latest.evaluation ?? null,
      };
    });
}
