import { MgmError, feedbackInputSchema, type FeedbackRecord } from '@mgm/protocol';
import type { z } from 'zod';
import { readJudgedAnswer, type AnswerSource } from './arena/judged-answer.ts';
import type { FeedbackLog } from './feedback-log.ts';

export type FeedbackRequest = z.output<typeof feedbackInputSchema>;

export interface FeedbackServiceDeps {
  source: AnswerSource;
  log: FeedbackLog;
  /** A job's feedback can be given while its frames are kept. */
  jobTtlSeconds: number;
}

/**
 * 👍 / 👎 / flag on a real answer. The browser names the job; the conversation, answer, params,
 * image hash, worker and figures are read from the controller's own records of the job (as a
 * compare vote), so nobody can log made-up jobs or inflate the file with their own text. Each
 * kind counts once per job: a repeat answers the first record's id and writes nothing.
 */
export class FeedbackService {
  constructor(private readonly deps: FeedbackServiceDeps) {}

  async record(input: FeedbackRequest): Promise<{ id: string; duplicate: boolean }> {
    const { redis, keys } = this.deps.source;
    const answer = await readJudgedAnswer(this.deps.source, input.jobId);
    if (answer.requestId !== input.requestId || answer.model !== input.model) {
      throw new MgmError('BAD_REQUEST', 'the job does not belong to that request and model');
    }
    const record: Omit<FeedbackRecord, 'id' | 'recordedAt'> = {
      kind: input.kind,
      requestId: answer.requestId,
      jobId: answer.jobId,
      model: answer.model,
      conversation: [...answer.messages, { role: 'assistant', content: answer.answer }],
      params: answer.params,
      imageMode: answer.imageMode,
      imageHash: answer.imageHash,
      workerId: answer.workerId,
      finishReason: answer.finishReason,
      timingsMs: answer.timingsMs,
      tokens: answer.tokens,
      tokensPerSecond: answer.tokensPerSecond,
      ...(input.comment !== undefined ? { comment: input.comment } : {}),
    };
    const onceKey = keys.feedbackOnce(input.jobId, input.kind);
    const claimed = await redis.set(onceKey, 'pending', 'EX', this.deps.jobTtlSeconds, 'NX');
    if (claimed === null) {
      const existing = await redis.get(onceKey);
      return { id: existing === null || existing === 'pending' ? 'pending' : existing, duplicate: true };
    }
    try {
      const written = await this.deps.log.append(record);
      await redis.set(onceKey, written.id, 'EX', this.deps.jobTtlSeconds);
      return { id: written.id, duplicate: false };
    } catch (error) {
      await redis.del(onceKey).catch(() => undefined);
      throw error;
    }
  }
}
