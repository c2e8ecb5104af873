import { type MgmModel, loadModel } from '@mgm/engine';
import { pino } from 'pino';
import type { ModelFlags } from './cli-options.ts';

/** Loads the checkpoint named by the flags; logs (pino JSON) go to stderr, warnings and up. */
export async function openModel(flags: ModelFlags): Promise<MgmModel> {
  const logger = pino({ level: process.env.MGM_LOG_LEVEL ?? 'warn' }, pino.destination({ dest: 2, sync: true }));
  return loadModel(flags.model, {
    device: flags.device,
    dtype: flags.dtype,
    intraOpThreads: flags.intraOpThreads,
    logger,
  });
}

/** Writes streamed deltas, dropping the answer's leading whitespace (MGM answers start with a space). */
export function answerWriter(write: (s: string) => void): (delta: string) => void {
  let started = false;
  return (delta) => {
    const text = started ? delta : delta.trimStart();
    if (text.length === 0) return;
    started = true;
    write(text);
  };
}
