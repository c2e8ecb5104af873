import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AdminJob, AdminModel, AdminSeries, AdminSnapshot, AdminWorker, QueueCounts, RedisKeys } from '@mgm/protocol';
import type { JobEvents } from './job-events.ts';
import type { QueueAdmin } from './queue-admin.ts';
import type { SeriesStore } from './series-store.ts';
import type { ServingMetrics } from './serving-metrics.ts';
import { LivenessTracker } from './worker-liveness.ts';
import { readWorkerRecords } from './worker-records-reader.ts';

export interface AdminMonitorOptions {
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  queues: QueueAdmin;
  series: SeriesStore;
  metrics: ServingMetrics;
  events: JobEvents;
  /** How long a dead worker's row stays after its record expired. */
  deadRetentionMs: number;
  /** Snapshot period (and push period to the dashboards). */
  pushIntervalMs: number;
  /** Jobs listed per model. */
  jobsPerModel: number;
}

/** Queues are looked for in Redis (not only through live workers) this often. */
const DISCOVERY_INTERVAL_MS = 30_000;
/** A model's job list is re-read when its counts change, and at least this often. */
const JOBS_REFRESH_MS = 5000;

type Listener<T> = (value: T) => void;

/**
 * The controller's eye on the deployment: every `pushIntervalMs` it reads the worker records
 * (with their expiry) and the queue counts, judges liveness, and hands the snapshot to the
 * dashboards and the metrics; every sample interval it appends a point per model to the
 * series in Redis. It runs whether or not a dashboard is open, so dead workers and throughput
 * are seen even by nobody; the job lists are read only while someone watches.
 */
export class AdminMonitor {
  private readonly tracker: LivenessTracker;
  private readonly knownModels = new Set<string>();
  private readonly jobCache = new Map<string, { signature: string; at: number; jobs: AdminJob[] }>();
  private readonly snapshotListeners = new Set<Listener<AdminSnapshot>>();
  private readonly seriesListeners = new Set<Listener<AdminSeries>>();
  private readonly lastTotals = new Map<string, number>();
  private lastSampleAt = Date.now();
  private lastDiscovery = 0;
  private latest: AdminSnapshot | null = null;
  private ticking: Promise<AdminSnapshot> | null = null;
  private tickingWithJobs = false;
  private timers: NodeJS.Timeout[] = [];
  private audience: () => number = () => 0;
  private lastError = '';

  constructor(private readonly options: AdminMonitorOptions) {
    this.tracker = new LivenessTracker(options.deadRetentionMs);
  }

  start(): void {
    const tick = setInterval(() => void this.refresh().catch((error: unknown) => this.warn('admin snapshot failed', error)), this.options.pushIntervalMs);
    const sample = setInterval(() => void this.sample().catch((error: unknown) => this.warn('admin sample failed', error)), this.options.series.intervalMs);
    this.timers.push(tick, sample);
    void this.refresh().catch((error: unknown) => this.warn('admin snapshot failed', error));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.ticking?.catch(() => undefined);
  }

  /** How many dashboards watch (job lists are read only when someone does). */
  setAudience(count: () => number): void {
    this.audience = count;
  }

  onSnapshot(listener: Listener<AdminSnapshot>): () => void {
    this.snapshotListeners.add(listener);
    return () => this.snapshotListeners.delete(listener);
  }

  onSeries(listener: Listener<AdminSeries>): () => void {
    this.seriesListeners.add(listener);
    return () => this.seriesListeners.delete(listener);
  }

  /** The last snapshot, or a fresh one when there is none yet. */
  async current(): Promise<AdminSnapshot> {
    return this.latest ?? this.refresh();
  }

  /**
   * Takes a snapshot now, one at a time: a caller during a tick gets that tick's, unless it needs
   * the job lists and that tick skips them (nobody watching), then it gets the next one.
   */
  refresh(withJobs = false): Promise<AdminSnapshot> {
    if (this.ticking && (this.tickingWithJobs || !withJobs)) return this.ticking;
    const previous = this.ticking ?? Promise.resolve();
    const run: Promise<AdminSnapshot> = previous
      .catch(() => undefined)
      .then(() => this.tick(withJobs))
      .finally(() => {
        if (this.ticking === run) this.ticking = null;
      });
    this.ticking = run;
    this.tickingWithJobs = withJobs || this.audience() > 0;
    return run;
  }

  async series(): Promise<AdminSeries> {
    const snapshot = await this.current();
    const store = this.options.series;
    return {
      windowMs: store.windowMs,
      intervalMs: store.intervalMs,
      models: await store.read(snapshot.models.map((m) => m.id), Date.now()),
    };
  }

  private async tick(withJobs: boolean): Promise<AdminSnapshot> {
    const { redis, keys, logger, queues, metrics, events } = this.options;
    const now = Date.now();
    const workers = this.tracker.observe(now, await readWorkerRecords(redis, keys, logger));
    for (const worker of workers) this.knownModels.add(worker.model);
    if (now - this.lastDiscovery >= DISCOVERY_INTERVAL_MS) {
      this.lastDiscovery = now;
      for (const model of await queues.discoverModels()) this.knownModels.add(model);
    }
    await events.watch(this.knownModels);
    const queueStates = new Map(
      await Promise.all([...this.knownModels].map(async (model) => [model, await queues.counts(model)] as const)),
    );
    const models = [...this.knownModels]
      .sort()
      .map((model) => summarize(model, workers, queueStates.get(model)!))
      .filter((model) => isShown(model));
    const jobs = await this.jobs(models, now, withJobs || this.audience() > 0);
    const snapshot: AdminSnapshot = { at: now, workers, models, jobs };
    this.latest = snapshot;
    this.lastError = '';
    metrics.setSnapshot(snapshot);
    for (const listener of this.snapshotListeners) listener(snapshot);
    return snapshot;
  }

  private async jobs(models: AdminModel[], now: number, wanted: boolean): Promise<AdminJob[]> {
    if (!wanted) return this.latest?.jobs ?? [];
    const perModel = await Promise.all(
      models.map(async (model) => {
        const signature = JSON.stringify(model.queue);
        const cached = this.jobCache.get(model.id);
        if (cached && cached.signature === signature && now - cached.at < JOBS_REFRESH_MS) return cached.jobs;
        const jobs = await this.options.queues.recentJobs(model.id, this.options.jobsPerModel);
        this.jobCache.set(model.id, { signature, at: now, jobs });
        return jobs;
      }),
    );
    return perModel.flat().sort((a, b) => lastMoment(b) - lastMoment(a));
  }

  private async sample(): Promise<void> {
    const snapshot = await this.current();
    const now = Date.now();
    const seconds = Math.max(0.001, (now - this.lastSampleAt) / 1000);
    this.lastSampleAt = now;
    await Promise.all(
      snapshot.models.map((model) => {
        const total = this.options.metrics.generatedTokens(model.id);
        const previous = this.lastTotals.get(model.id) ?? 0;
        this.lastTotals.set(model.id, total);
        return this.options.series.add(model.id, {
          t: now,
          tokensPerSecond: Math.round(((total - previous) / seconds) * 100) / 100,
          waiting: model.queue.waiting + model.queue.delayed,
          active: model.queue.active,
        });
      }),
    );
    if (this.seriesListeners.size > 0 && this.audience() > 0) {
      const series = await this.series();
      for (const listener of this.seriesListeners) listener(series);
    }
  }

  private warn(message: string, error: unknown): void {
    const text = error instanceof Error ? error.message : String(error);
    if (text !== this.lastError) this.options.logger.warn({ err: error }, message);
    this.lastError = text;
  }
}

function summarize(model: string, workers: AdminWorker[], queue: { counts: QueueCounts; paused: boolean }): AdminModel {
  const own = workers.filter((w) => w.model === model);
  const alive = own.filter((w) => w.liveness === 'alive');
  const speeds = alive.map((w) => w.tokensPerSecond).filter((s): s is number => s !== null);
  const latest = own.reduce<AdminWorker | null>((a, b) => (a === null || b.startedAt > a.startedAt ? b : a), null);
  const count = (state: AdminWorker['state']) => alive.filter((w) => w.state === state).length;
  return {
    id: model,
    displayName: latest?.displayName ?? model,
    workers: {
      alive: alive.length,
      ready: count('ready'),
      paused: count('paused'),
      draining: count('draining'),
      loading: count('loading'),
      dead: own.length - alive.length,
    },
    queue: queue.counts,
    queuePaused: queue.paused,
    tokensPerSecond: speeds.length === 0 ? null : Math.round((speeds.reduce((a, b) => a + b, 0) / speeds.length) * 100) / 100,
  };
}

/** A model without workers stays listed while its queue holds jobs to act on. */
function isShown(model: AdminModel): boolean {
  const { alive, dead } = model.workers;
  const { waiting, active, delayed, failed } = model.queue;
  return alive + dead > 0 || waiting + active + delayed + failed > 0 || model.queuePaused;
}

function lastMoment(job: AdminJob): number {
  return job.finishedAt ?? job.startedAt ?? job.enqueuedAt;
}
