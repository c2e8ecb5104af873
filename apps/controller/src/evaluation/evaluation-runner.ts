import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { recordMessages, scoreAnswer, type EvalRecord, type EvaluationResult, type EvaluationRun } from '@mgm/evaluation';
import { isMgmError, type EndFrame, type ErrorFrame, type JobMeta } from '@mgm/protocol';
import type { FrameRelay, FrameSubscription } from '../frame-relay.ts';
import type { ImageStore } from '../image-store.ts';
import type { JobDispatcher } from '../job-dispatcher.ts';
import type { WorkerRegistry } from '../worker-registry.ts';
import type { EvaluationStore } from './evaluation-store.ts';
import type { LoadedQuestionSet, QuestionSets } from './question-sets.ts';

/**
 * BullMQ priority of evaluation jobs. Interactive jobs are added without a priority, to the
 * wait list, which a worker always empties before it takes a prioritized job: an evaluation
 * question only starts when no person's question is waiting.
 */
export const EVALUATION_JOB_PRIORITY = 100;

export interface EvaluationRunnerDeps {
  dispatcher: JobDispatcher;
  relay: FrameRelay;
  registry: WorkerRegistry;
  images: ImageStore;
  sets: QuestionSets;
  store: EvaluationStore;
  logger: Logger;
  /** How often the run says it is alive and looks for a stop asked on another controller. */
  heartbeatMs: number;
  /** Asks whether someone asked the run to stop (on any controller). */
  stopRequested: (runId: string) => Promise<boolean>;
}

/** Images are put into the image store again after this long, so they never expire mid-run. */
const IMAGE_REFRESH_MS = 10 * 60 * 1000;
/** Longest wait between two tries of an image the busy image threads refused (their Retry-After is capped to this). */
const IMAGE_RETRY_CAP_MS = 2000;
/** How long an image may wait for a free image thread before its questions are scored as failed. */
const IMAGE_WAIT_LIMIT_MS = 5 * 60 * 1000;

type Terminal = EndFrame | ErrorFrame;

/**
 * Runs one evaluation: for each model, its questions go through the model's BullMQ queue at
 * EVALUATION_JOB_PRIORITY, a few at a time (the model's ready worker slots plus one waiting, so
 * a person's question never queues behind a run and a stop has little to take back). Each answer
 * is followed through the frame relay, scored with `mgm eval`'s scorer, and stored.
 */
export class EvaluationRunner {
  private run: EvaluationRun;
  private stopping: 'stopped' | 'interrupted' | null = null;
  private readonly requestId = randomUUID();
  private readonly inFlight = new Map<string, JobMeta>();
  private readonly imageIds = new Map<string, { imageId: Promise<string>; at: number }>();
  private readonly lostModels: string[] = [];
  private heartbeat: NodeJS.Timeout | null = null;
  private finished: Promise<void> = Promise.resolve();
  private readonly logger: Logger;

  constructor(
    private readonly deps: EvaluationRunnerDeps,
    run: EvaluationRun,
    private readonly set: LoadedQuestionSet,
    private readonly records: readonly EvalRecord[],
  ) {
    this.run = run;
    this.logger = deps.logger.child({ runId: run.id });
  }

  get id(): string {
    return this.run.id;
  }

  start(): void {
    this.heartbeat = setInterval(() => void this.beat(), this.deps.heartbeatMs);
    this.heartbeat.unref();
    this.finished = this.execute();
  }

  /** Stops the run: no new question, the answers being written are cancelled. */
  async stop(status: 'stopped' | 'interrupted' = 'stopped'): Promise<void> {
    this.stopping ??= status;
    await Promise.all([...this.inFlight.values()].map((meta) => this.deps.dispatcher.cancel(meta).catch(() => undefined)));
    await this.finished;
  }

  whenFinished(): Promise<void> {
    return this.finished;
  }

  private async execute(): Promise<void> {
    this.logger.info({ models: this.run.models, questions: this.records.length }, 'evaluation started');
    try {
      let failure: string | null = null;
      await Promise.all(
        this.run.models.map((model) =>
          this.runModel(model).catch(async (error: unknown) => {
            // One model's loop failed (Redis gone, say): end the whole run, nothing is stored after it.
            this.logger.error({ err: error, model }, 'evaluation of a model failed');
            failure ??= `${model}: ${error instanceof Error ? error.message : String(error)}`;
            this.stopping ??= 'stopped';
            await Promise.all([...this.inFlight.values()].map((meta) => this.deps.dispatcher.cancel(meta).catch(() => undefined)));
          }),
        ),
      );
      const status = failure !== null ? 'failed' : (this.stopping ?? (this.lostModels.length > 0 ? 'failed' : 'done'));
      const reason =
        failure ??
        (this.stopping === 'interrupted'
          ? 'the controller running it stopped'
          : this.lostModels.length > 0
            ? `no worker serves ${this.lostModels.join(', ')} any more: the rest of its questions were not asked`
            : null);
      await this.finish(status, reason);
    } catch (error) {
      this.logger.error({ err: error }, 'evaluation failed');
      await this.finish('failed', error instanceof Error ? error.message : String(error)).catch(() => undefined);
    }
  }

  private async finish(status: EvaluationRun['status'], reason: string | null): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.run = { ...this.run, status, reason, updatedAt: Date.now(), finishedAt: Date.now() };
    await this.deps.store.update(this.run);
    this.logger.info({ status, reason }, 'evaluation ended');
  }

  private async beat(): Promise<void> {
    try {
      if (this.stopping === null && (await this.deps.stopRequested(this.run.id))) void this.stop('stopped');
      if (this.run.status === 'running') {
        this.run = { ...this.run, updatedAt: Date.now() };
        await this.deps.store.update(this.run);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'evaluation heartbeat failed');
    }
  }

  /** Ready worker slots of the model, plus one question waiting in its queue. */
  private async window(model: string): Promise<number> {
    const workers = (await this.deps.registry.list()).filter((w) => w.model === model && w.state === 'ready');
    return workers.reduce((n, w) => n + Math.max(1, w.concurrency), 0) + 1;
  }

  private async runModel(model: string): Promise<void> {
    const pending = new Set<Promise<'ok' | 'lost'>>();
    let next = 0;
    let lost = false;
    while (this.stopping === null && !lost && next < this.records.length) {
      const window = await this.window(model);
      while (this.stopping === null && pending.size < window && next < this.records.length) {
        const task: Promise<'ok' | 'lost'> = this.ask(model, next++).finally(() => pending.delete(task));
        pending.add(task);
      }
      if (pending.size > 0 && (await Promise.race(pending)) === 'lost') lost = true;
    }
    const outcomes = await Promise.all(pending);
    if (lost || outcomes.includes('lost')) this.lostModels.push(model);
  }

  /** The image's id in the image store; one store per image at a time, shared by the models asking. */
  private imageId(relative: string): Promise<string> {
    const known = this.imageIds.get(relative);
    if (known && Date.now() - known.at < IMAGE_REFRESH_MS) return known.imageId;
    const imageId = this.storeImage(relative);
    this.imageIds.set(relative, { imageId, at: Date.now() });
    imageId.catch(() => this.imageIds.delete(relative));
    return imageId;
  }

  /**
   * An evaluation is background work: when the image threads are full (UNAVAILABLE, the 503 an
   * uploader gets), it waits its turn as their Retry-After says instead of scoring the question
   * as failed, and people's uploads keep their place in the queue.
   */
  private async storeImage(relative: string): Promise<string> {
    const giveUpAt = Date.now() + IMAGE_WAIT_LIMIT_MS;
    for (;;) {
      try {
        return (await this.deps.images.put(await this.deps.sets.image(this.set, relative))).imageId;
      } catch (error) {
        // Only the busy refusal carries a Retry-After; any other failure (a bad image, Redis down) is final.
        const retryAfterSeconds = isMgmError(error) && error.code === 'UNAVAILABLE' ? Number(error.details?.retryAfterSeconds) : Number.NaN;
        if (!Number.isFinite(retryAfterSeconds) || this.stopping !== null || Date.now() > giveUpAt) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(IMAGE_RETRY_CAP_MS, Math.max(100, retryAfterSeconds * 1000))));
      }
    }
  }

  /** Asks one question of one model and stores the scored answer; 'lost' when the model has no worker left. */
  private async ask(model: string, index: number): Promise<'ok' | 'lost'> {
    const record = this.records[index]!;
    let imageId: string;
    try {
      imageId = await this.imageId(record.image);
    } catch (error) {
      const code = isMgmError(error) ? error.code : 'IMAGE_INVALID';
      const message = error instanceof Error ? error.message : String(error);
      await this.store(model, index, null, { type: 'error', code, message, jobId: 'none', seq: 0 }, null, null);
      return 'ok';
    }
    const meta: JobMeta = { jobId: randomUUID(), requestId: this.requestId, model, enqueuedAt: Date.now() };
    this.inFlight.set(meta.jobId, meta);
    let workerId: string | null = null;
    let subscription: FrameSubscription | null = null;
    try {
      await this.deps.dispatcher.enqueue(
        { ...meta, messages: recordMessages(record), imageId, imageMode: this.run.imageMode, params: this.run.params },
        { priority: EVALUATION_JOB_PRIORITY },
      );
      // Followed once it is in BullMQ (the watchdog ends a followed job BullMQ does not know);
      // the relay reads the stream from its start, so no frame is missed.
      const terminal = new Promise<Terminal>((resolve) => {
        subscription = this.deps.relay.subscribe(meta, -1, (frame) => {
          if (frame.type === 'start') workerId = frame.workerId;
          if (frame.type === 'end' || frame.type === 'error') resolve(frame);
        });
      });
      // A stop that came while the job was being added missed it: cancel it now.
      if (this.stopping !== null) await this.deps.dispatcher.cancel(meta);
      const frame = await terminal;
      if (this.stopping !== null && (frame.type === 'error' || frame.finishReason === 'abort')) return 'ok';
      await this.store(model, index, workerId, frame, imageId, meta.jobId);
      return frame.type === 'error' && frame.code === 'NO_WORKER' ? 'lost' : 'ok';
    } finally {
      if (subscription) this.deps.relay.unsubscribe(subscription);
      this.inFlight.delete(meta.jobId);
    }
  }

  private async store(model: string, index: number, workerId: string | null, frame: Terminal, imageId: string | null, jobId: string | null): Promise<void> {
    const record = this.records[index]!;
    const ended = frame.type === 'end' && frame.finishReason !== 'abort';
    const answer = frame.type === 'end' ? frame.text.trim() : '';
    const result: EvaluationResult = {
      model,
      index,
      questionId: record.id,
      type: record.type,
      question: record.question,
      history: record.history,
      reference: record.answer,
      answer,
      // The scorer of `mgm eval`, on the trimmed answer as it scores it; a failed answer is an empty one.
      score: scoreAnswer(record.type, ended ? answer : '', record.answer),
      finishReason: frame.type === 'end' ? frame.finishReason : null,
      error:
        frame.type === 'error'
          ? { code: frame.code, message: frame.message }
          : frame.finishReason === 'abort'
            ? { code: 'CANCELLED', message: 'the answer was stopped before it finished' }
            : null,
      tokens: frame.type === 'end' ? frame.tokens : null,
      ttftMs: frame.type === 'end' ? frame.timingsMs.ttft : null,
      tokensPerSecond: frame.type === 'end' ? frame.tokensPerSecond : null,
      totalMs: frame.type === 'end' ? frame.timingsMs.total : null,
      imageId,
      jobId,
      workerId,
      at: Date.now(),
    };
    await this.deps.store.addResult(this.run.id, result);
  }
}
