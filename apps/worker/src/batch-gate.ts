/** What the worker's batch holds now (the engine's BatchStats, as far as the gate needs it). */
export interface BatchLoad {
  maxBatch: number;
  /** Sequences that hold a batch slot and their KV reservation. */
  running: number;
  kvTokensReserved: number;
  kvTokensBudget: number;
}

/**
 * How many jobs the worker may hold at once now (its BullMQ concurrency): every free batch slot,
 * as long as each new job fits in the KV budget at its worst case (a full context). Jobs taken
 * but not yet admitted by the engine count at that worst case. Never below the jobs it holds,
 * never below 1.
 */
export function jobCapacity(load: BatchLoad, jobsHeld: number, contextLength: number): number {
  const unreserved = Math.max(0, jobsHeld - load.running);
  const free = load.kvTokensBudget - load.kvTokensReserved - unreserved * contextLength;
  const more = Math.max(0, Math.min(load.maxBatch - jobsHeld, Math.floor(free / contextLength)));
  return Math.max(1, jobsHeld + more);
}
