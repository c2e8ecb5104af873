import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { MgmError } from '@mgm/protocol';
import { startModuleWorker } from './module-worker.ts';
import { taskReplySchema } from './task-messages.ts';

export interface WorkerPoolOptions<Res> {
  /** What the pool does, for messages and logs ("image", "leaderboard"). */
  name: string;
  /** The thread's module (it calls serveTasks). */
  entry: URL;
  /** Threads at most; each runs one task at a time. */
  threads: number;
  /** Tasks that may wait for a thread; one more is refused with UNAVAILABLE and a Retry-After. */
  maxQueue: number;
  /** A thread idle this long exits, giving its memory back (the next task starts one again). */
  idleExitMs: number;
  /** Checks a thread's result (the thread is another program as far as types go). */
  parseResult: (result: unknown) => Res;
  workerData?: unknown;
  logger: Logger;
}

interface Task<Res> {
  id: number;
  request: unknown;
  transfer: ArrayBuffer[];
  resolve: (result: Res) => void;
  reject: (error: unknown) => void;
  startedAt: number;
}

interface Thread<Res> {
  worker: Worker;
  task: Task<Res> | null;
  idleTimer: NodeJS.Timeout | null;
}

export interface WorkerPoolStats {
  threads: number;
  busy: number;
  queued: number;
}

/**
 * A few worker threads and a bounded queue in front of them: CPU-heavy work runs off the event
 * loop, at most `threads` tasks at a time, and at most `maxQueue` wait, so that neither the loop
 * nor the memory of the tasks in progress grows with the load. A full queue refuses at once
 * (UNAVAILABLE, 503, with `retryAfterSeconds` estimated from the recent task times). A thread that
 * dies fails its task with INTERNAL and is replaced on the next task; the process stays up.
 */
export class WorkerPool<Res> {
  private readonly threads = new Set<Thread<Res>>();
  private readonly queue: Task<Res>[] = [];
  private nextId = 0;
  private closed = false;
  /** Moving average of task durations (ms), for Retry-After. */
  private averageTaskMs = 1000;

  constructor(private readonly options: WorkerPoolOptions<Res>) {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError('a worker pool needs at least one thread');
    if (!Number.isInteger(options.maxQueue) || options.maxQueue < 0) throw new RangeError('maxQueue is a whole number');
  }

  get stats(): WorkerPoolStats {
    let busy = 0;
    for (const thread of this.threads) if (thread.task) busy += 1;
    return { threads: this.threads.size, busy, queued: this.queue.length };
  }

  /**
   * Runs one task on a thread. Buffers in `transfer` move to the thread (they are unusable here
   * afterwards) instead of being copied.
   */
  run(request: unknown, transfer: ArrayBuffer[] = []): Promise<Res> {
    if (this.closed) return Promise.reject(new MgmError('UNAVAILABLE', `the ${this.options.name} workers are shutting down: try again shortly`));
    const idle = [...this.threads].find((thread) => thread.task === null);
    const canStart = idle !== undefined || this.threads.size < this.options.threads;
    if (!canStart && this.queue.length >= this.options.maxQueue) return Promise.reject(this.busyError());
    return new Promise<Res>((resolve, reject) => {
      const task: Task<Res> = { id: this.nextId++, request, transfer, resolve, reject, startedAt: 0 };
      if (idle) this.dispatch(idle, task);
      else if (canStart) this.dispatch(this.startThread(), task);
      else this.queue.push(task);
    });
  }

  /** Refuses new tasks, fails the waiting ones, lets the running ones finish, then stops the threads. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new MgmError('UNAVAILABLE', `the ${this.options.name} workers are shutting down: try again shortly`));
    await Promise.all(
      [...this.threads].map(async (thread) => {
        if (thread.task) await new Promise<void>((resolve) => thread.worker.once('message', () => resolve()).once('exit', () => resolve()));
        await this.stopThread(thread);
      }),
    );
  }

  private busyError(): MgmError {
    const { busy, queued } = this.stats;
    const retryAfterSeconds = Math.max(1, Math.ceil(((queued + 1) * this.averageTaskMs) / this.options.threads / 1000));
    return new MgmError(
      'UNAVAILABLE',
      `the server is busy (${this.options.name} work: ${busy} running, ${queued} waiting, the most it holds): try again in ${retryAfterSeconds} s`,
      { details: { retryAfterSeconds, running: busy, queued } },
    );
  }

  private startThread(): Thread<Res> {
    const worker = startModuleWorker(this.options.entry, { workerData: this.options.workerData });
    const thread: Thread<Res> = { worker, task: null, idleTimer: null };
    this.threads.add(thread);
    worker.on('message', (message: unknown) => this.settle(thread, message));
    worker.on('error', (error) => this.lose(thread, error));
    worker.on('exit', (code) => this.lose(thread, new Error(`the thread exited with code ${code}`)));
    return thread;
  }

  private dispatch(thread: Thread<Res>, task: Task<Res>): void {
    if (thread.idleTimer) clearTimeout(thread.idleTimer);
    thread.idleTimer = null;
    thread.task = task;
    // A busy thread keeps the process alive (its caller waits); an idle one does not.
    thread.worker.ref();
    task.startedAt = performance.now();
    try {
      thread.worker.postMessage({ id: task.id, request: task.request }, task.transfer);
    } catch (error) {
      thread.task = null;
      task.reject(error);
      this.next(thread);
    }
  }

  private settle(thread: Thread<Res>, message: unknown): void {
    const task = thread.task;
    const reply = taskReplySchema.safeParse(message);
    if (!task || !reply.success || reply.data.id !== task.id) {
      this.lose(thread, new Error('the thread answered a task it was not given'));
      thread.worker.removeAllListeners('exit');
      void thread.worker.terminate();
      return;
    }
    thread.task = null;
    this.averageTaskMs = 0.8 * this.averageTaskMs + 0.2 * (performance.now() - task.startedAt);
    const retire = reply.data.ok && reply.data.retire === true;
    if (reply.data.ok) {
      try {
        task.resolve(this.options.parseResult(reply.data.result));
      } catch (error) {
        this.options.logger.error({ err: error, pool: this.options.name }, 'a pool thread answered a malformed result');
        task.reject(new MgmError('INTERNAL', `the ${this.options.name} work gave a malformed result`));
      }
    } else {
      const { code, message: text, details } = reply.data.error;
      if (code === 'INTERNAL') this.options.logger.error({ pool: this.options.name, error: text }, 'a pool task failed');
      task.reject(code === 'INTERNAL' ? new MgmError('INTERNAL', `the ${this.options.name} work failed`) : new MgmError(code, text, details ? { details } : undefined));
    }
    if (retire) {
      void this.stopThread(thread);
      const waiting = this.queue.shift();
      if (waiting) this.dispatch(this.startThread(), waiting);
      return;
    }
    this.next(thread);
  }

  /** Gives the thread the next waiting task, or lets it wait idle until it exits. */
  private next(thread: Thread<Res>): void {
    const waiting = this.queue.shift();
    if (waiting) {
      this.dispatch(thread, waiting);
      return;
    }
    thread.worker.unref();
    thread.idleTimer = setTimeout(() => void this.stopThread(thread), this.options.idleExitMs);
    thread.idleTimer.unref();
  }

  private lose(thread: Thread<Res>, error: Error): void {
    if (!this.threads.delete(thread)) return;
    if (thread.idleTimer) clearTimeout(thread.idleTimer);
    const task = thread.task;
    thread.task = null;
    if (task) {
      this.options.logger.error({ err: error, pool: this.options.name }, 'a pool thread failed during a task');
      task.reject(new MgmError('INTERNAL', `the ${this.options.name} work failed (its thread stopped)`));
    }
    // Waiting tasks get a fresh thread.
    const waiting = this.queue.shift();
    if (waiting && !this.closed) this.dispatch(this.startThread(), waiting);
  }

  private async stopThread(thread: Thread<Res>): Promise<void> {
    if (!this.threads.delete(thread)) return;
    if (thread.idleTimer) clearTimeout(thread.idleTimer);
    thread.worker.removeAllListeners('exit');
    await thread.worker.terminate();
  }
}
