import { parentPort } from 'node:worker_threads';
import { isMgmError } from '@mgm/protocol';
import { taskRequestSchema, type TaskReply } from './task-messages.ts';

export interface TaskOutcome<Res> {
  result: Res;
  /** Buffers handed to the caller instead of copied (they must not be used afterwards). */
  transfer?: ArrayBuffer[];
  /**
   * Asks the pool to stop this thread after the answer (a new one takes the next task): the way
   * to give back memory the thread's garbage collector does not know about, such as sharp's
   * output buffers, which V8 does not count towards its heap and so may keep for a long time.
   */
  retire?: boolean;
}

/**
 * The thread side of a WorkerPool: runs `handle` on each task, one at a time in arrival order (the
 * pool sends a thread one task at a time), and answers its result or its error. An MgmError keeps
 * its code, message and details; anything else is INTERNAL with its message, for the pool's log.
 */
export function serveTasks<Req, Res>(parse: (request: unknown) => Req, handle: (request: Req) => Promise<TaskOutcome<Res>>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks runs in a worker thread');
  port.on('message', (message: unknown) => {
    const task = taskRequestSchema.parse(message);
    const run = async (): Promise<TaskOutcome<Res>> => handle(parse(task.request));
    run().then(
      ({ result, transfer, retire }) => port.postMessage({ id: task.id, ok: true, result, ...(retire ? { retire } : {}) } satisfies TaskReply, transfer ?? []),
      (error: unknown) => {
        const reply: TaskReply = isMgmError(error)
          ? { id: task.id, ok: false, error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } }
          : { id: task.id, ok: false, error: { code: 'INTERNAL', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } };
        port.postMessage(reply);
      },
    );
  });
}
