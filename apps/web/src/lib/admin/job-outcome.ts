import { httpStatusByCode, type AdminJob } from '@mgm/protocol';
import { speedIsMeaningful } from '../answer-figures.ts';

/**
 * How the admin list names a job's end: `stopped` (a person stopped it: it completed in BullMQ
 * with finish reason abort), `rejected` (bad input the worker refused: a 4xx error code, which
 * a retry can only repeat), `failed` (the worker or the model failed), else BullMQ's state.
 */
export type JobOutcome = AdminJob['state'] | 'stopped' | 'rejected';

export function jobOutcome(job: Pick<AdminJob, 'state' | 'finishReason' | 'errorCode'>): JobOutcome {
  if (job.state === 'completed' && job.finishReason === 'abort') return 'stopped';
  if (job.state === 'failed' && job.errorCode !== null) {
    const status = httpStatusByCode[job.errorCode];
    if (status >= 400 && status < 500) return 'rejected';
  }
  return job.state;
}

/** Only a failure of the worker or the model may go better a second time. */
export function isRetryable(job: Pick<AdminJob, 'state' | 'finishReason' | 'errorCode'>): boolean {
  return jobOutcome(job) === 'failed';
}

/** tokens/s of a job, only where it means something. */
export function jobSpeed(job: Pick<AdminJob, 'tokensPerSecond' | 'generatedTokens'>): number | null {
  return job.tokensPerSecond !== null && speedIsMeaningful(job.generatedTokens) ? job.tokensPerSecond : null;
}
