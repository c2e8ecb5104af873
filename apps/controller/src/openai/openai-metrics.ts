import { Counter, type Registry } from 'prom-client';

/**
 * The OpenAI API's traffic, per key (its id, or `open` without one) and per model, on the
 * controller's /metrics registry. This controller's own requests only (unlike the job metrics,
 * which every controller reads from BullMQ): sum across controllers.
 */
export class OpenAiMetrics {
  private readonly requests: Counter<'key' | 'model' | 'status'>;
  private readonly tokens: Counter<'key' | 'model' | 'kind'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'mgm:api_requests_total',
      help: 'OpenAI-API requests by key, model and HTTP status (499: the client left before the answer ended).',
      labelNames: ['key', 'model', 'status'],
      registers,
    });
    this.tokens = new Counter({
      name: 'mgm:api_tokens_total',
      help: 'OpenAI-API tokens by key, model and kind (prompt, completion).',
      labelNames: ['key', 'model', 'kind'],
      registers,
    });
  }

  record(key: string, model: string | null, status: number, usage: { prompt_tokens: number; completion_tokens: number } | null): void {
    const m = model ?? '';
    this.requests.inc({ key, model: m, status: String(status) });
    if (usage) {
      this.tokens.inc({ key, model: m, kind: 'prompt' }, usage.prompt_tokens);
      this.tokens.inc({ key, model: m, kind: 'completion' }, usage.completion_tokens);
    }
  }
}
