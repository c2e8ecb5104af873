import type { ModelSummary, WorkerRecord } from '@mgm/protocol';
import { summarizeModels } from '../model-summaries.ts';

/** One entry of `GET /v1/models`: OpenAI's fields, and the platform's own under `mgm`. */
export interface OpenAiModel {
  id: string;
  object: 'model';
  /** When the oldest live worker of the model started (epoch seconds). */
  created: number;
  owned_by: 'mgm-serve';
  mgm: Omit<ModelSummary, 'id'>;
}

export function openAiModelList(records: readonly WorkerRecord[]): { object: 'list'; data: OpenAiModel[] } {
  return {
    object: 'list',
    data: summarizeModels(records).map(({ id, ...summary }) => {
      const started = records.filter((r) => r.model === id).map((r) => r.startedAt);
      return { id, object: 'model' as const, created: Math.floor(Math.min(...started) / 1000), owned_by: 'mgm-serve' as const, mgm: summary };
    }),
  };
}
