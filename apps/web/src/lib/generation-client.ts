import {
  MAX_CONVERSATION_BYTES,
  clientFrameSchema,
  formatKiB,
  jsonBytes,
  type ApiError,
  type ClientFrame,
  type ClientToServerEvents,
  type GenerateAck,
  type GenerateRequestInput,
  type ServerToClientEvents,
} from '@mgm/protocol';
import type { Socket } from 'socket.io-client';
import { SnapshotStore } from './snapshot-store.ts';
import { applyFrame, failedJobState, initialJobState, isJobActive, type JobState } from './job-state.ts';

export type ControllerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface GenerationSnapshot {
  connected: boolean;
  /** False until the first connection: the page says "connecting", not "connection lost". */
  everConnected: boolean;
  jobs: Readonly<Record<string, JobState>>;
}

export interface GenerationStarted {
  requestId: string;
  /** One per model asked; when the controller refused the request these are local, failed jobs. */
  jobs: Array<{ jobId: string; model: string }>;
}

const ACK_TIMEOUT_MS = 20_000;
/** Frames for jobs the ack has not named yet (they can overtake it); bounded per job. */
const MAX_EARLY_FRAMES = 4096;

/**
 * The browser side of streaming: sends `generate` / `stop`, folds `frame` events into job states,
 * and after a reconnect asks the controller to `resume` every unfinished job after the last seq
 * it applied, so no text is lost or shown twice. React reads it through useSyncExternalStore.
 */
export class GenerationClient {
  private readonly store = new SnapshotStore<GenerationSnapshot>({ connected: false, everConnected: false, jobs: {} });
  private readonly earlyFrames = new Map<string, ClientFrame[]>();
  private localIds = 0;

  constructor(
    private readonly socket: ControllerSocket,
    private readonly now: () => number = Date.now,
  ) {
    socket.on('connect', this.onConnect);
    socket.on('disconnect', this.onDisconnect);
    socket.on('frame', this.onFrame);
  }

  readonly subscribe = this.store.subscribe;

  readonly getSnapshot = this.store.getSnapshot;

  async generate(request: GenerateRequestInput): Promise<GenerationStarted> {
    const ack = await this.emitGenerate(request);
    if (!ack.ok) return this.failLocally(request.models, ack.error);
    const jobs: Record<string, JobState> = { ...this.snapshot.jobs };
    for (const job of ack.jobs) {
      let state = initialJobState({ ...job, requestId: ack.requestId }, this.now());
      for (const frame of this.earlyFrames.get(job.jobId) ?? []) state = applyFrame(state, frame, this.now());
      this.earlyFrames.delete(job.jobId);
      jobs[job.jobId] = state;
    }
    this.update({ jobs });
    return { requestId: ack.requestId, jobs: ack.jobs };
  }

  stop(jobId: string): void {
    const job = this.snapshot.jobs[jobId];
    if (!job || !isJobActive(job)) return;
    this.socket.timeout(ACK_TIMEOUT_MS).emit('stop', { jobId }, (err, ack) => {
      if (err || !ack.ok) {
        // The job may have ended meanwhile; only a job still running needs the failure shown.
        const current = this.snapshot.jobs[jobId];
        if (current && isJobActive(current)) {
          const message = err ? 'The server did not confirm the stop.' : ack.ok ? '' : ack.error.message;
          this.setJob({ ...current, status: 'error', error: { code: 'INTERNAL', message }, finishedAt: this.now() });
        }
      }
    });
  }

  /** Drops jobs the page no longer shows (clear, regenerate). */
  forget(jobIds: readonly string[]): void {
    const jobs = { ...this.snapshot.jobs };
    for (const id of jobIds) delete jobs[id];
    this.update({ jobs });
  }

  close(): void {
    this.socket.off('connect', this.onConnect);
    this.socket.off('disconnect', this.onDisconnect);
    this.socket.off('frame', this.onFrame);
    this.socket.disconnect();
    this.store.clearListeners();
  }

  private emitGenerate(request: GenerateRequestInput): Promise<GenerateAck> {
    // socket.io drops a connection whose message is above its buffer, without an answer: refuse here first.
    const bytes = jsonBytes(request.messages);
    if (bytes > MAX_CONVERSATION_BYTES) {
      return Promise.resolve({
        ok: false,
        error: {
          code: 'PAYLOAD_TOO_LARGE',
          message: `The conversation is ${formatKiB(bytes)}; the limit is ${formatKiB(MAX_CONVERSATION_BYTES)}. Start a new conversation or shorten it.`,
        },
      });
    }
    return new Promise((resolve) => {
      this.socket.timeout(ACK_TIMEOUT_MS).emit('generate', request, (err, ack) => {
        if (err) {
          resolve({ ok: false, error: { code: 'INTERNAL', message: 'The server did not answer in time. Check your connection and try again.' } });
        } else {
          resolve(ack);
        }
      });
    });
  }

  private failLocally(models: readonly string[], error: ApiError): GenerationStarted {
    const requestId = `local-${++this.localIds}`;
    const jobs: Record<string, JobState> = { ...this.snapshot.jobs };
    const started = models.map((model) => ({ jobId: `${requestId}-${model}`, model }));
    for (const job of started) jobs[job.jobId] = failedJobState({ ...job, requestId }, error, this.now());
    this.update({ jobs });
    return { requestId, jobs: started };
  }

  private readonly onConnect = (): void => {
    const reconnect = this.snapshot.everConnected;
    this.update({ connected: true, everConnected: true });
    if (!reconnect) return;
    for (const job of Object.values(this.snapshot.jobs)) {
      if (!isJobActive(job) || job.requestId.startsWith('local-')) continue;
      this.socket.timeout(ACK_TIMEOUT_MS).emit('resume', { jobId: job.jobId, afterSeq: job.lastSeq }, (err, ack) => {
        const current = this.snapshot.jobs[job.jobId];
        if (!current || !isJobActive(current)) return;
        if (err) {
          this.setJob({ ...current, status: 'error', error: { code: 'INTERNAL', message: 'Reconnected, but the server did not resume this answer.' }, finishedAt: this.now() });
        } else if (!ack.ok) {
          this.setJob({ ...current, status: 'error', error: ack.error, finishedAt: this.now() });
        }
      });
    }
  };

  private readonly onDisconnect = (): void => {
    this.update({ connected: false });
  };

  private readonly onFrame = (raw: unknown): void => {
    const parsed = clientFrameSchema.safeParse(raw);
    if (!parsed.success) return;
    const frame = parsed.data;
    const job = this.snapshot.jobs[frame.jobId];
    if (job) {
      const next = applyFrame(job, frame, this.now());
      if (next !== job) this.setJob(next);
      return;
    }
    const early = this.earlyFrames.get(frame.jobId) ?? [];
    if (early.length < MAX_EARLY_FRAMES) early.push(frame);
    this.earlyFrames.set(frame.jobId, early);
  };

  private setJob(job: JobState): void {
    this.update({ jobs: { ...this.snapshot.jobs, [job.jobId]: job } });
  }

  private get snapshot(): GenerationSnapshot {
    return this.store.getSnapshot();
  }

  private update(patch: Partial<GenerationSnapshot>): void {
    this.store.update(patch);
  }
}
