import type { ClientFrame, ErrorCode, FinishReason, GeneratedImage, JobTimings, TokenCounts } from '@mgm/protocol';

export type JobStatus = 'queued' | 'streaming' | 'done' | 'stopped' | 'error';

/** What the browser knows about one job, folded from its frames. */
export interface JobState {
  jobId: string;
  requestId: string;
  model: string;
  status: JobStatus;
  text: string;
  /** The highest seq applied; -1 before the first frame. Resume asks for frames after it. */
  lastSeq: number;
  workerId: string | null;
  queueMs: number | null;
  finishReason: FinishReason | null;
  tokens: TokenCounts | null;
  timingsMs: JobTimings | null;
  tokensPerSecond: number | null;
  error: { code: ErrorCode; message: string } | null;
  /** "Generate image" on: the image prompt and the picture (or why there is none). */
  generatedImage: GeneratedImage | null;
  /** "Use OCR" on: the text OCR gave the model; null when off or nothing was found. */
  ocrText: string | null;
  /** Asked with explain: the end frame says GET /api/lens/:jobId has what the model saw. */
  lens: boolean;
  /** Epoch ms when the browser asked, for the elapsed time shown while streaming. */
  startedAt: number;
  /** Epoch ms when the start frame came (a worker took the job). */
  workerStartedAt: number | null;
  /** Epoch ms when the first text came, for the live TTFT. */
  firstDeltaAt: number | null;
  /** Text frames received (about one per token), for the live token count and speed. */
  deltaCount: number;
  finishedAt: number | null;
  /** Frames that came ahead of a gap (seq > lastSeq + 1), applied once the gap is filled. */
  ahead: readonly ClientFrame[];
}

export function initialJobState(job: { jobId: string; requestId: string; model: string }, now: number): JobState {
  return {
    ...job,
    status: 'queued',
    text: '',
    lastSeq: -1,
    workerId: null,
    queueMs: null,
    finishReason: null,
    tokens: null,
    timingsMs: null,
    tokensPerSecond: null,
    error: null,
    generatedImage: null,
    ocrText: null,
    lens: false,
    startedAt: now,
    workerStartedAt: null,
    firstDeltaAt: null,
    deltaCount: 0,
    finishedAt: null,
    ahead: [],
  };
}

export function isJobActive(job: JobState): boolean {
  return job.status === 'queued' || job.status === 'streaming';
}

/**
 * Applies one frame in seq order. A frame at or below the last seq seen (a resume that overlaps
 * the live relay) is ignored; one that comes ahead of a gap waits in `ahead` until the gap is
 * filled. So a reconnecting client never loses text nor shows it twice.
 */
export function applyFrame(job: JobState, frame: ClientFrame, now: number): JobState {
  if (frame.seq <= job.lastSeq || !isJobActive(job)) return job;
  if (frame.seq > job.lastSeq + 1) {
    if (job.ahead.some((waiting) => waiting.seq === frame.seq)) return job;
    return { ...job, ahead: [...job.ahead, frame].sort((a, b) => a.seq - b.seq) };
  }
  let next = applyNext(job, frame, now);
  while (isJobActive(next) && next.ahead[0]?.seq === next.lastSeq + 1) {
    const [first, ...rest] = next.ahead;
    next = applyNext({ ...next, ahead: rest }, first!, now);
  }
  return isJobActive(next) ? next : { ...next, ahead: [] };
}

function applyNext(job: JobState, frame: ClientFrame, now: number): JobState {
  const next: JobState = { ...job, lastSeq: frame.seq };
  switch (frame.type) {
    case 'start':
      return { ...next, status: 'streaming', workerId: frame.workerId, queueMs: frame.queueMs, workerStartedAt: now };
    case 'delta':
      return {
        ...next,
        status: 'streaming',
        text: job.text + frame.text,
        firstDeltaAt: job.firstDeltaAt ?? now,
        deltaCount: job.deltaCount + 1,
      };
    case 'end':
      return {
        ...next,
        status: frame.finishReason === 'abort' ? 'stopped' : 'done',
        text: frame.text,
        finishReason: frame.finishReason,
        tokens: frame.tokens,
        timingsMs: frame.timingsMs,
        tokensPerSecond: frame.tokensPerSecond,
        generatedImage: frame.image ?? null,
        ocrText: frame.ocrText ?? null,
        lens: frame.lens === true,
        finishedAt: now,
      };
    case 'error':
      if (frame.code === 'CANCELLED') return { ...next, status: 'stopped', finishReason: 'abort', finishedAt: now };
      return { ...next, status: 'error', error: { code: frame.code, message: frame.message }, finishedAt: now };
  }
}

/** A job that could not even be queued (the generate ack failed). */
export function failedJobState(
  job: { jobId: string; requestId: string; model: string },
  error: { code: ErrorCode; message: string },
  now: number,
): JobState {
  return { ...initialJobState(job, now), status: 'error', error, finishedAt: now };
}
