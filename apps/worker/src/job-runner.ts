import type { Job } from 'bullmq';
import { UnrecoverableError, WaitingError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  MgmError,
  REQUEST_REJECTION_CODES,
  describeZodError,
  errorCodeSchema,
  finishReasonSchema,
  isMgmError,
  jobPayloadSchema,
  type ErrorCode,
  type FinishReason,
  type JobPayload,
  type JobResult,
  type RedisKeys,
  type TokenLogprob,
} from '@mgm/protocol';
import { FrameWriter, isTerminalEntry } from './frame-writer.ts';
import { type JobExtras, generatedImageFor, ocrTextFor } from './job-extras.ts';
import { storeLens } from './lens-store.ts';
import type { ImageBytesCache } from './image-bytes-cache.ts';
import type { ServingGenerateResult, ServingGeneration, ServingModel } from './serving-model.ts';
import type { TickPipeline } from './tick-pipeline.ts';
import type { WorkerStats } from './worker-stats.ts';

export interface JobRunnerDeps {
  redis: Redis;
  keys: RedisKeys;
  model: ServingModel;
  workerId: string;
  stats: WorkerStats;
  logger: Logger;
  streamTtlSeconds: number;
  /** Least time between two delta frames of a job (see FrameWriter). */
  deltaIntervalMs: number;
  /** OCR and image generation, for jobs with params.useOcr / params.generateImage. */
  extras?: JobExtras;
  /** The worker's frame appends of one tick leave together (see TickPipeline). */
  framePipeline?: TickPipeline;
  /** Images read before, by id (each read from Redis once per worker); absent: read every time. */
  imageCache?: ImageBytesCache;
  /** Called once the job's first token is on its way (not for jobs that end before one). */
  onStarted?: () => void;
}

/** Lets the worker take a job back (SIGTERM timeout, admin stop): abort and requeue it. */
export interface JobControl {
  readonly signal: AbortSignal;
  readonly handBackRequested: () => boolean;
}

/**
 * Runs one job: validates it, fetches its image, streams the model's tokens as frames, and ends
 * the stream with an `end` or `error` frame. Failures are never retried (the stream already
 * carries the error frame); a job handed back goes to the queue again for another worker.
 */
export async function runJob(deps: JobRunnerDeps, job: Job, token: string | undefined, control: JobControl): Promise<JobResult | null> {
  const startedAt = Date.now();
  const parsed = jobPayloadSchema.safeParse(job.data);
  const jobId = parsed.success ? parsed.data.jobId : String(job.id);
  const logger = deps.logger.child({ jobId, model: deps.model.info.name });
  const abort = new AbortController();
  const writer = new FrameWriter({
    redis: deps.redis,
    streamKey: deps.keys.jobStream(jobId),
    cancelKey: deps.keys.jobCancel(jobId),
    ttlSeconds: deps.streamTtlSeconds,
    deltaIntervalMs: deps.deltaIntervalMs,
    onCancelled: () => abort.abort('cancelled'),
    ...(deps.framePipeline ? { pipeline: deps.framePipeline } : {}),
    ...(token ? { fence: { lockKey: `${job.queueQualifiedName}:${job.id}:lock`, token } } : {}),
  });

  if (!parsed.success) {
    const message = `invalid job: ${describeZodError(parsed.error)}`;
    await writer.append({ type: 'error', code: 'BAD_REQUEST', message });
    deps.stats.recordFailed();
    throw new UnrecoverableError(`BAD_REQUEST: ${message}`);
  }
  const payload = parsed.data;
  const onOuterAbort = () => abort.abort(control.signal.reason);
  control.signal.addEventListener('abort', onOuterAbort, { once: true });
  const cachedImage = payload.imageId === null ? null : (deps.imageCache?.get(payload.imageId) ?? null);
  const stateRead = readJobState(deps, payload, payload.imageId !== null && cachedImage === null);
  // With all the model needs at hand (no image, or one this worker read before; no OCR text; no
  // per-token log-probabilities, which leave as frames of their own), the model starts while the
  // job's state is read: that round trip is off the first token. A stale or cancelled job stops it.
  // (A request the model refuses at once is not started early: it is refused below, with its error frame.)
  const early = canStartBeforeState(payload, cachedImage) ? orNull(() => startModel(deps, payload, cachedImage, undefined, abort.signal, writer)) : null;
  let state: JobState;
  try {
    state = await stateRead;
  } catch (error) {
    await stopEarly(early, abort);
    control.signal.removeEventListener('abort', onOuterAbort);
    throw error;
  }
  if (state.terminal) {
    await stopEarly(early, abort);
    control.signal.removeEventListener('abort', onOuterAbort);
    logger.info('job already ended (stale retry), skipping');
    return null;
  }
  if (payload.imageId !== null && state.image !== null) deps.imageCache?.set(payload.imageId, state.image.slice());
  const jobImage = cachedImage ?? state.image;

  try {
    if (state.cancelled) {
      await stopEarly(early, abort);
      return await endAborted(writer, payload, startedAt, '', 0, deps.workerId);
    }
    if (payload.imageId !== null && jobImage === null) {
      throw new MgmError('IMAGE_NOT_FOUND', 'the image is no longer stored (uploads expire): upload it again');
    }
    const queueMs = Math.max(0, startedAt - payload.enqueuedAt);
    const start = { type: 'start' as const, workerId: deps.workerId, queueMs };
    if (early) {
      // The model may have its first token already: the start frame waits for it until the event
      // loop turns, and both leave in one append.
      writer.hold(start);
    } else {
      // Not awaited: the connection keeps frames in order, and the model starts at once...
      writer.push(start);
      // ...after one tick, in which the start frame leaves (see TickPipeline). Without it the frame
      // waited behind the model's synchronous preparation (prompt, image), and its reply could still
      // be pending when the first token came, which then waited for it (one append in flight).
      await new Promise<void>((resolve) => process.nextTick(resolve));
    }

    let text = '';
    let deltas = 0;
    let result: ServingGenerateResult | null = null;
    let failure: unknown = null;
    let ocrText: string | null | undefined;
    try {
      ocrText = payload.params.useOcr ? await ocrTextFor(deps.extras, jobImage, logger) : undefined;
      const generation = early ?? startModel(deps, payload, jobImage, ocrText, abort.signal, writer);
      for await (const delta of generation) {
        if (delta.length === 0) continue;
        text += delta;
        deltas += 1;
        // The append of this delta also reads the cancel flag.
        writer.push({ type: 'delta', text: delta });
        if (deltas === 1) deps.onStarted?.();
        if (!writer.open) abort.abort('stream ended');
      }
      result = await generation.result;
      if (result.error !== undefined && result.error !== null) failure = result.error;
    } catch (error) {
      failure = error;
    }

    if (writer.revoked) throw jobTakenOver(logger);
    if (control.handBackRequested()) {
      await writer.flush().catch(() => undefined);
      logger.info('handing the job back to the queue');
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (abort.signal.aborted) {
      await writer.flush();
      const generated = result?.tokens.generated ?? deltas;
      const stopped = await endAborted(writer, payload, startedAt, result?.text ?? text, generated, deps.workerId, result ?? undefined, queueMs);
      deps.stats.recordDone({ tokensPerSecond: result?.tokensPerSecond ?? 0, ttftMs: result?.timingsMs.ttft ?? 0, generated: 0 });
      // The stopped job keeps its figures (the admin view shows it as stopped, with them).
      return stopped;
    }
    if (failure !== null || result === null) {
      throw failure ?? new Error('the model returned no result');
    }

    const finishReason = toFinishReason(result.finishReason);
    const timingsMs = { queue: queueMs, ...pickTimings(result.timingsMs) };
    const image = payload.params.generateImage ? await generatedImageFor(deps.extras, result.text, abort.signal) : undefined;
    // the lens is stored before the end frame that announces it
    const lens = result.lens ? await storeLens(deps.redis, deps.keys, { jobId, model: payload.model }, result.lens, deps.streamTtlSeconds).then(() => true) : undefined;
    // The deltas still queued go with the end frame, in one append.
    const endSeq = await writer.append({
      type: 'end',
      finishReason,
      tokens: result.tokens,
      timingsMs,
      tokensPerSecond: result.tokensPerSecond,
      text: result.text,
      ...(image ? { image } : {}),
      ...(ocrText !== undefined ? { ocrText } : {}),
      ...(lens ? { lens } : {}),
    });
    if (endSeq < 0 && writer.revoked) throw jobTakenOver(logger);
    deps.stats.recordDone({ tokensPerSecond: result.tokensPerSecond, ttftMs: result.timingsMs.ttft, generated: result.tokens.generated });
    logger.info({ finishReason, tokens: result.tokens, timingsMs, tokensPerSecond: result.tokensPerSecond }, 'job done');
    return { workerId: deps.workerId, finishReason, tokens: result.tokens, timingsMs, tokensPerSecond: result.tokensPerSecond };
  } catch (error) {
    if (error instanceof WaitingError) throw error;
    const { code, message } = describeFailure(error);
    logger.warn({ err: error, code }, 'job failed');
    await writer.flush().catch(() => undefined);
    await writer.append({ type: 'error', code, message }).catch((appendError: unknown) => {
      logger.error({ err: appendError }, 'could not write the error frame');
    });
    if (writer.revoked) throw jobTakenOver(logger);
    // A refused request (its own input: prompt too long, bad image) is not a worker failure: the
    // job completes with its error frame, and nothing counts it as failed.
    if (REQUEST_REJECTION_CODES.has(code)) return null;
    deps.stats.recordFailed();
    throw new UnrecoverableError(`${code}: ${message}`);
  } finally {
    control.signal.removeEventListener('abort', onOuterAbort);
  }
}

/**
 * This worker lost the job: its record expired (the controller took it for dead) or its BullMQ
 * lock lapsed, and the job went back to the queue. Its frames were refused since; WaitingError
 * tells BullMQ to leave the job alone (no completion, no failure) for the worker that has it now.
 */
function jobTakenOver(logger: Logger): WaitingError {
  logger.warn('the job was handed to another worker while this one ran it (missed keep-alives or lock); dropping this run');
  return new WaitingError();
}

interface JobState {
  terminal: boolean;
  cancelled: boolean;
  image: Uint8Array | null;
}

/** One round trip: has the stream ended, was the job cancelled, and the image bytes (when asked). */
async function readJobState(deps: JobRunnerDeps, payload: JobPayload, readImage: boolean): Promise<JobState> {
  const pipeline = deps.redis
    .pipeline()
    .xrevrange(deps.keys.jobStream(payload.jobId), '+', '-', 'COUNT', 1)
    .exists(deps.keys.jobCancel(payload.jobId));
  if (readImage && payload.imageId !== null) pipeline.getBuffer(deps.keys.image(payload.imageId));
  const replies = (await pipeline.exec()) ?? [];
  for (const [error] of replies) if (error) throw error;
  const last = replies[0]?.[1] as [string, string[]][];
  const bytes = (replies[2]?.[1] as Buffer | null | undefined) ?? null;
  return {
    terminal: isTerminalEntry(last[0]?.[1]),
    cancelled: replies[1]?.[1] === 1,
    image: bytes ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null,
  };
}

/** Whether the model may start before the job's state is read (see runJob). */
function canStartBeforeState(payload: JobPayload, cachedImage: Uint8Array | null): boolean {
  return (payload.imageId === null || cachedImage !== null) && payload.params.useOcr !== true && payload.params.logprobs === undefined;
}

function startModel(
  deps: JobRunnerDeps,
  payload: JobPayload,
  image: Uint8Array | null,
  ocrText: string | null | undefined,
  signal: AbortSignal,
  writer: FrameWriter,
): ServingGeneration {
  const generation = deps.model.generate(
    {
      messages: payload.messages,
      image,
      imageMode: payload.imageMode,
      params: payload.params,
      ocrText,
      generateImage: payload.params.generateImage === true,
      ...(payload.system !== undefined ? { system: payload.system } : {}),
      explain: payload.explain === true,
    },
    {
      signal,
      // Log-probabilities ride in the delta frames, merged like the text.
      ...(payload.params.logprobs !== undefined ? { onLogprobs: (entry: TokenLogprob) => writer.push({ type: 'delta', text: '', logprobs: [entry] }) } : {}),
    },
  );
  // The result promise may settle with an error before iteration ends; observe it now.
  generation.result.catch(() => undefined);
  return generation;
}

function orNull<T>(start: () => T): T | null {
  try {
    return start();
  } catch {
    return null;
  }
}

/** Stops a model started before the job's state was read, and waits until it has let go (its tokens are dropped). */
async function stopEarly(early: ServingGeneration | null, abort: AbortController): Promise<void> {
  if (!early) return;
  abort.abort('the job ended or was cancelled before it started');
  try {
    for await (const _ of early);
  } catch {
    // A failure of an answer nobody will see.
  }
}

/** Ends a stopped job's stream with finish reason abort; returns the same figures as the job's result. */
async function endAborted(
  writer: FrameWriter,
  payload: JobPayload,
  startedAt: number,
  text: string,
  generated: number,
  workerId: string,
  result?: ServingGenerateResult,
  queueMs = Math.max(0, startedAt - payload.enqueuedAt),
): Promise<JobResult> {
  const total = Date.now() - startedAt;
  const timings = result ? pickTimings(result.timingsMs) : { preprocess: 0, vision: 0, prefill: 0, ttft: 0, decode: 0, total };
  const figures = {
    finishReason: 'abort' as const,
    tokens: { prompt: result?.tokens.prompt ?? 0, visual: result?.tokens.visual ?? 0, generated },
    timingsMs: { queue: queueMs, ...timings },
    tokensPerSecond: result?.tokensPerSecond ?? 0,
  };
  await writer.append({ type: 'end', ...figures, text });
  return { workerId, ...figures };
}

function pickTimings(t: ServingGenerateResult['timingsMs']) {
  return { preprocess: t.preprocess, vision: t.vision, prefill: t.prefill, ttft: t.ttft, decode: t.decode, total: t.total };
}

function toFinishReason(reason: string): FinishReason {
  const parsed = finishReasonSchema.safeParse(reason);
  if (parsed.success) return parsed.data;
  throw new MgmError('INTERNAL', `the model ended with an unknown finish reason "${reason}"`);
}

function describeFailure(error: unknown): { code: ErrorCode; message: string } {
  if (isMgmError(error)) return { code: error.code, message: error.message };
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
    // The engine reports a failure after the first token as result.error = {code, message}.
    const code = errorCodeSchema.safeParse((error as { code: unknown }).code);
    if (code.success) return { code: code.data, message: String((error as { message: unknown }).message) };
  }
  return { code: 'WORKER_FAILED', message: 'the model failed while answering (the worker log has the details)' };
}
