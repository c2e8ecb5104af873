import type { ChildProcess } from 'node:child_process';
import type { Redis } from 'ioredis';
import { decodeFrameEntry, streamIdAfterSeq, type RedisKeys, type StreamFrame } from '@mgm/protocol';

export interface FrozenWorker {
  /** The worker that wrote the job's first `start`, now stopped (SIGSTOP). */
  workerId: string;
  child: ChildProcess;
  /** When it was stopped (ms): from then on it neither answers nor keeps its record alive. */
  frozenAt: number;
}

/**
 * Waits for the job's first `start` frame in Redis and stops (SIGSTOP) the worker that wrote it,
 * so the kill lands mid-answer however fast the checkpoint answers; answers null when the answer
 * had already ended by then (the caller asks again). The worker is frozen, not dead yet: the
 * caller kills it (SIGKILL) or lets it go on (SIGCONT).
 */
export async function freezeWorkerOfJob(redis: Redis, keys: RedisKeys, jobId: string, workers: ReadonlyMap<string, ChildProcess>, timeoutMs = 30_000): Promise<FrozenWorker | null> {
  const reader = redis.duplicate();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const result = await reader.xread('COUNT', 1, 'BLOCK', 1000, 'STREAMS', keys.jobStream(jobId), streamIdAfterSeq(-1));
      const entry = result?.[0]?.[1][0];
      if (!entry) continue;
      const frame = decodeFrameEntry(jobId, entry[0], entry[1]);
      if (frame.type !== 'start') throw new Error(`the job's first frame is ${frame.type}, not start`);
      const child = workers.get(frame.workerId);
      if (!child) throw new Error(`the job started on an unknown worker ${frame.workerId}`);
      child.kill('SIGSTOP');
      const frozenAt = Date.now();
      if ((await lastFrame(redis, keys, jobId))?.type === 'end') {
        child.kill('SIGCONT');
        return null;
      }
      return { workerId: frame.workerId, child, frozenAt };
    }
    throw new Error(`job ${jobId} did not start within ${timeoutMs} ms`);
  } finally {
    reader.disconnect();
  }
}

export async function streamFrames(redis: Redis, keys: RedisKeys, jobId: string): Promise<StreamFrame[]> {
  return (await redis.xrange(keys.jobStream(jobId), '-', '+')).map(([id, fields]) => decodeFrameEntry(jobId, id, fields));
}

async function lastFrame(redis: Redis, keys: RedisKeys, jobId: string): Promise<StreamFrame | undefined> {
  const [entry] = await redis.xrevrange(keys.jobStream(jobId), '+', '-', 'COUNT', 1);
  return entry ? decodeFrameEntry(jobId, entry[0], entry[1]) : undefined;
}
