import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '@mgm/protocol';

/** How long the label key lives; refreshed at every controller start, so labels stay stable. */
const LABEL_KEY_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Opaque worker labels for clients. A worker id holds the host name and pid by default
 * (`model.host.pid.rand`); clients get `w-` and 10 hex digits of an HMAC of it instead, under a
 * key shared by every controller through Redis (so a resumed answer shows the same label on any
 * controller). The same worker always gets the same label; the label tells nothing about where
 * it runs. The admin view keeps the real ids.
 */
export class WorkerLabels {
  private readonly cache = new Map<string, string>();

  constructor(private readonly key: Buffer) {}

  /** Reads the deployment's label key from Redis, creating it when none exists. */
  static async open(redis: Redis, keys: RedisKeys): Promise<WorkerLabels> {
    const keyName = keys.workerLabelKey;
    await redis.set(keyName, randomBytes(32).toString('hex'), 'EX', LABEL_KEY_TTL_SECONDS, 'NX');
    const hex = await redis.get(keyName);
    if (hex === null) throw new Error('the worker label key vanished right after it was written');
    await redis.expire(keyName, LABEL_KEY_TTL_SECONDS);
    return new WorkerLabels(Buffer.from(hex, 'hex'));
  }

  label(workerId: string): string {
    let label = this.cache.get(workerId);
    if (label === undefined) {
      label = `w-${createHmac('sha256', this.key).update(workerId).digest('hex').slice(0, 10)}`;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(workerId, label);
    }
    return label;
  }

  /** A frame with its worker id replaced by the label (only `start` frames carry one). */
  publicFrame<F extends { type: string }>(frame: F): F {
    if (frame.type !== 'start' || !('workerId' in frame) || typeof frame.workerId !== 'string') return frame;
    return { ...frame, workerId: this.label(frame.workerId) };
  }
}
