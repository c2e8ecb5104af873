import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  evaluationParams,
  evaluationStartSchema,
  selectQuestions,
  summarizeRun,
  type EvaluationRun,
  type EvaluationSnapshot,
} from '@mgm/evaluation';
import { MgmError, describeZodError, type RedisKeys } from '@mgm/protocol';
import { EvaluationRunner, type EvaluationRunnerDeps } from './evaluation-runner.ts';
import type { EvaluationStore } from './evaluation-store.ts';
import type { QuestionSets } from './question-sets.ts';

export type ResultsFilter = 'none' | 'wrong' | 'all';

export interface EvaluationServiceDeps extends Omit<EvaluationRunnerDeps, 'stopRequested' | 'store' | 'sets'> {
  redis: Redis;
  keys: RedisKeys;
  store: EvaluationStore;
  sets: QuestionSets;
}

/** Starts, stops and reads evaluation runs; the runs started here run in this process. */
export class EvaluationService {
  private readonly active = new Map<string, EvaluationRunner>();

  constructor(private readonly deps: EvaluationServiceDeps) {}

  private stopKey(runId: string): string {
    return `${this.deps.keys.prefix}:eval:run:${runId}:stop`;
  }

  async start(input: unknown): Promise<EvaluationRun> {
    const parsed = evaluationStartSchema.safeParse(input);
    if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid evaluation: ${describeZodError(parsed.error)}`);
    const request = parsed.data;
    const params = evaluationParams(request.params);
    if (!params.success) throw new MgmError('BAD_REQUEST', `invalid evaluation params: ${describeZodError(params.error)}`);

    const workers = await this.deps.registry.list();
    const dtypes: Record<string, string> = {};
    for (const model of request.models) {
      const hosting = workers.filter((w) => w.model === model);
      if (hosting.length === 0) {
        const live = [...new Set(workers.map((w) => w.model))];
        throw new MgmError('MODEL_NOT_FOUND', `no worker serves the model "${model}"` + (live.length > 0 ? ` (available: ${live.join(', ')})` : ''));
      }
      const ready = hosting.filter((w) => w.state === 'ready');
      if (ready.length === 0) throw new MgmError('NO_WORKER', `no worker of "${model}" is ready (${hosting.map((w) => w.state).join(', ')})`);
      dtypes[model] = [...new Set(ready.map((w) => w.dtype))].join('+');
    }
    const set = await this.deps.sets.load(request.set);
    const records = selectQuestions(set.records, { limit: request.limit, sample: request.sample });
    const now = Date.now();
    const run: EvaluationRun = {
      id: randomUUID(),
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      status: 'running',
      reason: null,
      set: { kind: set.kind, id: set.id, name: set.name, size: set.records.length },
      models: request.models,
      dtypes,
      params: params.data,
      imageMode: request.imageMode,
      limit: request.limit ?? null,
      sample: request.sample ?? null,
      questions: records.length,
    };
    await this.deps.store.create(run);
    const runner = new EvaluationRunner(
      { ...this.deps, stopRequested: async (id) => (await this.deps.redis.exists(this.stopKey(id))) === 1 },
      run,
      set,
      records,
    );
    this.active.set(run.id, runner);
    runner.start();
    void runner.whenFinished().finally(() => this.active.delete(run.id));
    return run;
  }

  /** Stops a run (here, or on the controller running it, within its heartbeat). */
  async stop(runId: string): Promise<EvaluationRun> {
    const run = await this.deps.store.run(runId);
    if (!run) throw notFound();
    if (run.status !== 'running') return run;
    await this.deps.redis.set(this.stopKey(runId), '1', 'EX', 24 * 3600);
    const runner = this.active.get(runId);
    if (runner) await runner.stop('stopped');
    return (await this.deps.store.run(runId)) ?? run;
  }

  async snapshot(runId: string, filter: ResultsFilter): Promise<EvaluationSnapshot> {
    const run = await this.deps.store.run(runId);
    if (!run) throw notFound();
    // In the run's order (models as listed, questions as asked), not in the order they finished.
    const results = (await this.deps.store.results(runId)).sort(
      (a, b) => run.models.indexOf(a.model) - run.models.indexOf(b.model) || a.index - b.index,
    );
    const snapshot: EvaluationSnapshot = { run, summaries: summarizeRun(run, results) };
    if (filter === 'all') snapshot.results = results;
    if (filter === 'wrong') snapshot.results = results.filter((r) => r.score < 1);
    return snapshot;
  }

  list(): Promise<EvaluationRun[]> {
    return this.deps.store.list();
  }

  /** Ends the runs of this process as interrupted (the controller is stopping). */
  async close(): Promise<void> {
    await Promise.all([...this.active.values()].map((runner) => runner.stop('interrupted')));
  }
}

function notFound(): MgmError {
  return new MgmError('NOT_FOUND', 'no such evaluation run');
}
