import { z } from 'zod';

export const DEFAULT_REDIS_PREFIX = 'mgm';
export const redisPrefixSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'a Redis prefix uses letters, digits, ".", "_" and "-"');

/**
 * Every Redis key and channel MGM Serve uses, under one prefix (env REDIS_PREFIX, default "mgm")
 * so that several deployments or test runs share one Redis without touching each other.
 */
export function redisKeys(prefix: string = DEFAULT_REDIS_PREFIX) {
  const p = redisPrefixSchema.parse(prefix);
  return {
    prefix: p,
    /** Sorted set: worker id -> last heartbeat (ms). An index; the record's expiry decides liveness. */
    workers: `${p}:workers`,
    /** String (JSON WorkerRecord) with an expiry refreshed by heartbeats. */
    worker: (workerId: string) => `${p}:worker:${workerId}`,
    /** Redis Stream of a job's frames. */
    jobStream: (jobId: string) => `${p}:job:${jobId}:frames`,
    /** String (JSON JobMeta): request and model of a job, so any controller can resume it. */
    jobMeta: (jobId: string) => `${p}:job:${jobId}:meta`,
    /** String "1" when the job was cancelled: the worker checks it once per token. */
    jobCancel: (jobId: string) => `${p}:job:${jobId}:cancel`,
    /** Set of the BullMQ lock tokens of a job whose workers died holding it (one per death; the controller that adds one handles it). */
    jobFailovers: (jobId: string) => `${p}:job:${jobId}:failovers`,
    /** Sorted set: job id -> when (ms) a job whose client left is removed from the queue unless the client resumed it. */
    departedJobs: `${p}:departed-jobs`,
    /** String (JSON ImageLensWire) of a job asked with explain, with the stream's expiry. */
    jobLens: (jobId: string) => `${p}:job:${jobId}:lens`,
    /** Set of the job ids of one request (stop by request id). */
    requestJobs: (requestId: string) => `${p}:request:${requestId}:jobs`,
    /** String (PNG bytes) of a normalised upload, keyed by its sha256, with an expiry. */
    image: (imageId: string) => `${p}:image:${imageId}`,
    /** Pub/sub channel of admin commands to workers (JSON AdminCommand). */
    adminChannel: `${p}:admin`,
    /** Pub/sub channel of workers' answers to admin commands (JSON AdminAck). */
    adminAck: `${p}:admin:ack`,
    /** String (JSON) of an admin session, keyed by the sha256 of its cookie value, with an expiry. */
    adminSession: (sessionHash: string) => `${p}:admin:session:${sessionHash}`,
    /** Sorted set (score: sample time) of a model's dashboard samples over the last 15 minutes. */
    adminSeries: (modelId: string) => `${p}:admin:series:${modelId}`,
    /** String (hex): HMAC key of the opaque worker labels clients see (shared by every controller). */
    workerLabelKey: `${p}:worker-label-key`,
    /** String (feedback record id): the one 👍 / 👎 / flag of a kind a job gets. */
    feedbackOnce: (jobId: string, kind: string) => `${p}:feedback:${jobId}:${kind}`,
    /** String (vote id): the one record of identical compare votes (same answers, same choice). */
    compareVoteOnce: (digest: string) => `${p}:compare-vote:${digest}`,
    /** BullMQ key prefix: queues live under `${p}:bull:<queue>`. */
    bullPrefix: `${p}:bull`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;

/** BullMQ queue name of a model (BullMQ forbids ":" in names; model ids never contain one). */
export function queueNameForModel(modelId: string): string {
  return `model-${modelId}`;
}
