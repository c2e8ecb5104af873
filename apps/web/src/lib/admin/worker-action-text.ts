import type { AdminAction, AdminWorker } from '@mgm/protocol';

export interface WorkerActionText {
  description: string;
  confirmLabel: string;
  danger?: boolean;
}

type WorkerLike = Pick<AdminWorker, 'id' | 'model' | 'inFlight' | 'liveness' | 'state'>;

/**
 * What a pause / resume / drain / stop of `worker` does, told truthfully: whether another live
 * worker of the same model takes over, or the model's questions wait (a stopped or drained
 * worker is not restarted by the controller: the demo leaves it stopped, compose restarts it).
 */
export function workerActionText(action: AdminAction, worker: WorkerLike, all: readonly WorkerLike[]): WorkerActionText {
  const others = all.filter((other) => other.id !== worker.id && other.model === worker.model && other.liveness !== 'dead');
  const takeover = others.filter((other) => other.state === 'ready').length;
  const inFlight = `the ${worker.inFlight} job(s) it is answering`;
  const restart =
    'Started by `npm run demo`, it does not come back by itself (restart the demo to bring it back); in docker compose (restart: unless-stopped) its container starts it again.';
  switch (action) {
    case 'pause':
      return {
        description:
          takeover > 0
            ? `${worker.id} finishes ${inFlight} and takes no new job until resumed; the other ${takeover} ready worker(s) of ${worker.model} take its share.`
            : `${worker.id} finishes ${inFlight} and takes no new job until resumed. It is the only ready worker of ${worker.model}: new questions to ${worker.model} wait in its queue until you resume it.`,
        confirmLabel: 'Pause worker',
      };
    case 'resume':
      return { description: `${worker.id} takes jobs of ${worker.model} again.`, confirmLabel: 'Resume worker' };
    case 'drain':
      return {
        description:
          others.length > 0
            ? `${worker.id} takes no new job, finishes ${inFlight}, then exits; the other ${others.length} worker(s) of ${worker.model} go on. ${restart}`
            : `${worker.id} takes no new job, finishes ${inFlight}, then exits. It is the only worker of ${worker.model}: ${worker.model} goes offline until a worker of it is started again. ${restart}`,
        confirmLabel: 'Drain worker',
        danger: true,
      };
    case 'stop':
      return {
        description:
          takeover > 0
            ? `${worker.id} exits now; ${inFlight} go back to the queue and another ready worker of ${worker.model} answers them. ${restart}`
            : `${worker.id} exits now. No other ready worker serves ${worker.model}: ${inFlight} go back to its queue and wait, and ${worker.model} is offline until a worker of it is started again. ${restart}`,
        confirmLabel: 'Stop worker',
        danger: true,
      };
  }
}
