import type { Redis } from 'ioredis';
import {
  MgmError,
  decodeFrameEntry,
  jobPayloadSchema,
  type EndFrame,
  type ErrorFrame,
  type JobPayload,
  type RedisKeys,
  type StreamFrame,
  type VotePane,
} from '@mgm/protocol';
import type { JobDispatcher } from '../job-dispatcher.ts';

/** A judged answer, as a vote records it (the pane letter is added by the vote). */
export type JudgedAnswer = Omit<VotePane, 'label'>;

export interface AnswerSource {
  redis: Redis;
  keys: RedisKeys;
  dispatcher: JobDispatcher;
}

export type JobOutcome =
  | { status: 'running' }
  | { status: 'ended'; end: EndFrame; workerId: string | null }
  | { status: 'failed'; error: ErrorFrame };

export async function readJobFrames(source: AnswerSource, jobId: string): Promise<StreamFrame[]> {
  const entries = (await source.redis.xrange(source.keys.jobStream(jobId), '-', '+')) as Array<[string, string[]]>;
  return entries.map(([id, fields]) => decodeFrameEntry(jobId, id, fields));
}

/** Folds a job's frames: still running, ended (with the worker of its last start), or failed. */
export function outcomeOf(frames: readonly StreamFrame[]): JobOutcome {
  let workerId: string | null = null;
  for (const frame of frames) {
    if (frame.type === 'start') workerId = frame.workerId;
    if (frame.type === 'end') return { status: 'ended', end: frame, workerId };
    if (frame.type === 'error') return { status: 'failed', error: frame };
  }
  return { status: 'running' };
}

export async function readJobOutcome(source: AnswerSource, jobId: string): Promise<JobOutcome> {
  return outcomeOf(await readJobFrames(source, jobId));
}

/** The payload the job was enqueued with (messages, image, params), or null once BullMQ dropped it. */
export async function readJobPayload(source: AnswerSource, model: string, jobId: string): Promise<JobPayload | null> {
  const job = await source.dispatcher.queue(model).getJob(jobId);
  if (!job) return null;
  const parsed = jobPayloadSchema.safeParse(job.data);
  return parsed.success ? parsed.data : null;
}

/**
 * Everything a vote records about one answer, read from the controller's own records of the job
 * (its metadata, its BullMQ payload and its frame stream), so that a vote cannot misstate which
 * model said what. Refuses an answer that is still being written, failed, or expired.
 */
export async function readJudgedAnswer(source: AnswerSource, jobId: string): Promise<JudgedAnswer> {
  const expired = new MgmError('JOB_NOT_FOUND', 'an answer of this vote is no longer available (answers can be voted on for an hour): ask again');
  const meta = await source.dispatcher.meta(jobId);
  if (!meta) throw expired;
  const [outcome, payload] = await Promise.all([readJobOutcome(source, jobId), readJobPayload(source, meta.model, jobId)]);
  if (!payload) throw expired;
  if (outcome.status === 'running') throw new MgmError('BAD_REQUEST', 'an answer is still being written: vote when every answer has finished');
  if (outcome.status === 'failed') throw new MgmError('BAD_REQUEST', `an answer failed (${outcome.error.message}): regenerate it before voting`);
  const { end } = outcome;
  return {
    model: meta.model,
    jobId,
    requestId: meta.requestId,
    messages: payload.messages,
    answer: end.text,
    params: payload.params,
    imageMode: payload.imageMode,
    imageHash: payload.imageId,
    workerId: outcome.workerId,
    finishReason: end.finishReason,
    tokens: end.tokens,
    timingsMs: end.timingsMs,
    tokensPerSecond: end.tokensPerSecond,
  };
}
