import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AdminSnapshot, ErrorCode, FinishReason, JobTimings, TokenCounts } from '@mgm/protocol';
import { batchSizeSamples } from './batch-size-histogram.ts';

/** What a worker reports at the end of a job (its BullMQ result or its stream's end frame). */
export interface JobOutcome {
  finishReason: FinishReason;
  tokens: TokenCounts;
  timingsMs: JobTimings;
}

const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 60, 120, 300];
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];
const ITL_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5];
/** Inter-token latency is observed once per token, up to this many per job. */
const MAX_ITL_OBSERVATIONS = 4096;

/**
 * Prometheus metrics of the whole deployment, named as vLLM and TGI name theirs (`mgm:` prefix).
 * Job figures come from BullMQ's event stream, which every controller reads in full: each
 * controller exports the deployment-wide counts (scrape one of them, or `max()` across them).
 * Queue and worker gauges are read from the admin monitor's latest snapshot at scrape time.
 */
export class ServingMetrics {
  readonly registry = new Registry();
  private readonly generated = new Map<string, number>();
  private snapshot: AdminSnapshot | null = null;
  private readonly requests: Counter<'model' | 'outcome'>;
  private readonly errors: Counter<'model' | 'code'>;
  private readonly rejected: Counter<'model' | 'code'>;
  private readonly promptTokens: Counter<'model'>;
  private readonly generationTokens: Counter<'model'>;
  private readonly ttft: Histogram<'model'>;
  private readonly itl: Histogram<'model'>;
  private readonly e2e: Histogram<'model'>;
  private readonly queueTime: Histogram<'model'>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'mgm_controller_' });
    this.requests = new Counter({
      name: 'mgm:requests_total',
      help: 'Finished requests by outcome: stop, length, abort (finish reasons), error, or rejected (the request\'s own input, e.g. a prompt too long).',
      labelNames: ['model', 'outcome'],
      registers,
    });
    this.errors = new Counter({ name: 'mgm:request_errors_total', help: 'Failed requests by error code.', labelNames: ['model', 'code'], registers });
    this.rejected = new Counter({
      name: 'mgm:requests_rejected_total',
      help: 'Requests a worker refused for their own input (PROMPT_TOO_LONG, IMAGE_INVALID, ...), by code: not errors.',
      labelNames: ['model', 'code'],
      registers,
    });
    this.promptTokens = new Counter({ name: 'mgm:prompt_tokens_total', help: 'Prefill tokens processed (text and visual).', labelNames: ['model'], registers });
    this.generationTokens = new Counter({ name: 'mgm:generation_tokens_total', help: 'Tokens generated.', labelNames: ['model'], registers });
    this.ttft = new Histogram({
      name: 'mgm:time_to_first_token_seconds',
      help: 'Time from enqueue to the first generated token.',
      labelNames: ['model'],
      buckets: TTFT_BUCKETS,
      registers,
    });
    this.itl = new Histogram({
      name: 'mgm:inter_token_latency_seconds',
      help: 'Time between two generated tokens (each job\'s mean, once per token).',
      labelNames: ['model'],
      buckets: ITL_BUCKETS,
      registers,
    });
    this.e2e = new Histogram({
      name: 'mgm:e2e_request_latency_seconds',
      help: 'Time from enqueue to the end of the answer.',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.queueTime = new Histogram({
      name: 'mgm:request_queue_time_seconds',
      help: 'Time a job waited in its model queue before a worker took it.',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS,
      registers,
    });

    const current = () => this.snapshot;
    new Gauge({
      name: 'mgm:num_requests_waiting',
      help: 'Jobs waiting in the model queue.',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset();
        for (const model of current()?.models ?? []) this.set({ model: model.id }, model.queue.waiting + model.queue.delayed);
      },
    });
    new Gauge({
      name: 'mgm:num_requests_running',
      help: 'Sequences in a worker\'s batch (holding a slot: prefilling or decoding); jobs in flight for a worker that does not batch.',
      labelNames: ['model', 'worker'],
      registers,
      collect() {
        this.reset();
        for (const w of current()?.workers ?? []) {
          if (w.liveness === 'alive') this.set({ model: w.model, worker: w.id }, w.batch?.running ?? w.inFlight);
        }
      },
    });
    const batchSize = 'mgm:decode_batch_size';
    this.registry.registerMetric({
      name: batchSize,
      help: 'Decode steps by rows per step (continuous batching), per worker since it started.',
      type: 'histogram',
      aggregator: 'sum',
      get: async () => ({ name: batchSize, help: 'Decode steps by rows per step (continuous batching), per worker since it started.', type: 'histogram', aggregator: 'sum', values: batchSizeSamples(batchSize, current()?.workers ?? []) }),
      reset: () => undefined,
    } as unknown as Parameters<Registry['registerMetric']>[0]);
    new Gauge({
      name: 'mgm:queue_jobs',
      help: 'Jobs in the model queue by BullMQ state.',
      labelNames: ['model', 'state'],
      registers,
      collect() {
        this.reset();
        for (const model of current()?.models ?? []) {
          for (const [state, count] of Object.entries(model.queue)) this.set({ model: model.id, state }, count);
        }
      },
    });
    new Gauge({
      name: 'mgm:queue_paused',
      help: '1 when the whole model queue is paused.',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset();
        for (const model of current()?.models ?? []) this.set({ model: model.id }, model.queuePaused ? 1 : 0);
      },
    });
    new Gauge({
      name: 'mgm:workers',
      help: 'Workers per model by state (loading, ready, paused, draining; dead: missed heartbeats).',
      labelNames: ['model', 'state'],
      registers,
      collect() {
        this.reset();
        for (const model of current()?.models ?? []) {
          const { ready, paused, draining, loading, dead } = model.workers;
          for (const [state, count] of Object.entries({ ready, paused, draining, loading, dead })) this.set({ model: model.id, state }, count);
        }
      },
    });
    const perWorker = (name: string, help: string, read: (w: AdminSnapshot['workers'][number]) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['model', 'worker'],
        registers,
        collect() {
          this.reset();
          for (const worker of current()?.workers ?? []) {
            const value = worker.liveness === 'alive' ? read(worker) : null;
            if (value !== null) this.set({ model: worker.model, worker: worker.id }, value);
          }
        },
      });
    perWorker('mgm:worker_in_flight', 'Jobs the worker is answering.', (w) => w.inFlight);
    perWorker('mgm:worker_max_batch', 'Sequences the worker decodes together at most.', (w) => w.batch?.maxBatch ?? null);
    perWorker('mgm:worker_kv_cache_tokens', 'Tokens in the worker\'s KV cache now (padding excluded).', (w) => w.batch?.kvTokensUsed ?? null);
    perWorker('mgm:worker_kv_cache_reserved_tokens', 'KV-cache tokens reserved by admitted sequences (prompt + max new tokens each).', (w) => w.batch?.kvTokensReserved ?? null);
    perWorker('mgm:worker_kv_cache_budget_tokens', 'The worker\'s KV-cache budget.', (w) => w.batch?.kvTokensBudget ?? null);
    const ratio = (hits: number, total: number) => (total === 0 ? null : hits / total);
    perWorker('mgm:worker_prefix_cache_lookups', 'Prompts the worker looked up in its prefix cache since it started.', (w) => w.batch?.prefixCache?.lookups ?? null);
    perWorker('mgm:worker_prefix_cache_hits', 'Prompts that reused a cached prefix (keys/values) since the worker started.', (w) => w.batch?.prefixCache?.hits ?? null);
    perWorker('mgm:worker_prefix_cache_hit_rate', 'Prefix cache hits over lookups since the worker started.', (w) =>
      w.batch?.prefixCache ? ratio(w.batch.prefixCache.hits, w.batch.prefixCache.lookups) : null,
    );
    perWorker('mgm:worker_prefix_cache_token_hit_rate', 'Prompt positions taken from the prefix cache over all prompt positions looked up.', (w) =>
      w.batch?.prefixCache ? ratio(w.batch.prefixCache.reusedTokens, w.batch.prefixCache.promptTokens) : null,
    );
    perWorker('mgm:worker_prefix_cache_vision_hits', 'Requests with an image whose vision graph the prefix cache spared.', (w) => w.batch?.prefixCache?.imageHits ?? null);
    perWorker('mgm:worker_prefix_cache_tokens', 'KV-budget tokens the prefix cache holds now (evicted first when a sequence needs room).', (w) => w.batch?.prefixCache?.tokens ?? null);
    perWorker('mgm:worker_prefix_cache_bytes', 'Memory of the prefix cache now (cached keys/values and image features).', (w) => w.batch?.prefixCache?.bytes ?? null);
    perWorker('mgm:worker_prefix_cache_evictions', 'Prefix cache entries dropped for room since the worker started.', (w) => w.batch?.prefixCache?.evictions ?? null);
    perWorker('mgm:worker_jobs_done', 'Jobs the worker finished since it started.', (w) => w.jobsDone);
    perWorker('mgm:worker_jobs_failed', 'Jobs that failed on the worker since it started.', (w) => w.jobsFailed);
    perWorker('mgm:worker_tokens_per_second', 'Decode speed of the worker\'s recent jobs.', (w) => w.tokensPerSecond);
    perWorker('mgm:worker_time_to_first_token_median_seconds', 'Median TTFT of the worker\'s recent jobs.', (w) =>
      w.ttftMsMedian === null ? null : w.ttftMsMedian / 1000,
    );
    perWorker('mgm:worker_memory_rss_bytes', 'Resident memory of the worker process.', (w) => w.memoryRss);
    perWorker('mgm:worker_uptime_seconds', 'Since the worker started.', (w) => Math.max(0, (current()!.at - w.startedAt) / 1000));
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  observeCompleted(model: string, outcome: JobOutcome): void {
    const { tokens, timingsMs } = outcome;
    this.requests.inc({ model, outcome: outcome.finishReason });
    this.promptTokens.inc({ model }, tokens.prompt + tokens.visual);
    this.generationTokens.inc({ model }, tokens.generated);
    this.generated.set(model, (this.generated.get(model) ?? 0) + tokens.generated);
    this.queueTime.observe({ model }, timingsMs.queue / 1000);
    this.e2e.observe({ model }, (timingsMs.queue + timingsMs.total) / 1000);
    if (tokens.generated > 0) this.ttft.observe({ model }, (timingsMs.queue + timingsMs.ttft) / 1000);
    if (tokens.generated > 1 && timingsMs.decode > 0) {
      const itl = timingsMs.decode / (tokens.generated - 1) / 1000;
      const n = Math.min(tokens.generated - 1, MAX_ITL_OBSERVATIONS);
      for (let i = 0; i < n; i += 1) this.itl.observe({ model }, itl);
    }
  }

  /** A job that ended without a result (cancelled before it started, or skipped as already answered). */
  observeAborted(model: string): void {
    this.requests.inc({ model, outcome: 'abort' });
  }

  observeFailed(model: string, code: ErrorCode): void {
    this.requests.inc({ model, outcome: 'error' });
    this.errors.inc({ model, code });
  }

  /** A job refused for its own input (see REQUEST_REJECTION_CODES): counted apart from failures. */
  observeRejected(model: string, code: ErrorCode): void {
    this.requests.inc({ model, outcome: 'rejected' });
    this.rejected.inc({ model, code });
  }

  /** Tokens generated by the model's workers since this controller started (for throughput samples). */
  generatedTokens(model: string): number {
    return this.generated.get(model) ?? 0;
  }

  setSnapshot(snapshot: AdminSnapshot): void {
    this.snapshot = snapshot;
  }
}
