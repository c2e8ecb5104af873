import type { AdminAction, AdminWorker } from '@mgm/protocol';

export interface WorkerActionText {
  description: string;
  confirmLabel: string;
  danger?: boolean;
}

type WorkerLike = Pick<AdminWorker, 'id' | 'model' | 'inFlight' | 'liveness' | 'state'>;

/** Who can start a worker again once it exits: the supervisor that owns its slot, or nobody here. */
export type WorkerRestarter = { supervisor: string } | null;

/**
 * What a pause / resume / drain / stop of `worker` does, told truthfully: whether another live
 * worker of the same model takes over, or the model's questions wait; and whether this page can
 * start it again (a worker of a supervised slot, `npm run demo`) or not (started by hand, or by
 * docker compose, whose restart policy brings it back by itself).
 */
export function workerActionText(action: AdminAction, worker: WorkerLike, all: readonly WorkerLike[], restarter: WorkerRestarter = null): WorkerActionText {
  const others = all.filter((other) => other.id !== worker.id && other.model === worker.model && other.liveness !== 'dead');
  const takeover = others.filter((other) => other.state === 'ready').length;
  const inFlight = `the ${worker.inFlight} job(s) it is answering`;
  const restart = restarter
    ? `It does not come back by itself: ${restarter.supervisor} started it, and "Restart" under Stopped workers on this page starts it again.`
    : 'It does not come back by itself, and this page cannot start it again: no supervisor owns it (it was not started by `npm run demo`). Started by hand, start it again by hand; in docker compose (restart: unless-stopped) its container starts it again.';
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
