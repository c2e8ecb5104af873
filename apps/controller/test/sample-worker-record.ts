import type { WorkerRecord } from '@mgm/protocol';

/** A well-formed worker record for tests: a ready CPU worker of `model` (default 'alpha'), with overrides. */
export function sampleWorkerRecord(fields: Partial<WorkerRecord> & Pick<WorkerRecord, 'id'>): WorkerRecord {
  const model = fields.model ?? 'alpha';
  return {
    model, displayName: model, architecture: 'mgm', capabilities: ['image'], checkpoint: `/m/${model}`, device: 'cpu',
    executionProvider: 'CPUExecutionProvider', dtype: 'fp32', lrSize: 48, hrSize: 192, visualTokens: 36, contextLength: 512,
    template: 'vicuna_v1', state: 'ready', inFlight: 0, concurrency: 1, jobsDone: 0, jobsFailed: 0, tokensPerSecond: null,
    ttftMsMedian: null, memoryRss: 1, host: 'h', pid: 1, startedAt: 0, heartbeatAt: 0,
    ...fields,
  };
}
