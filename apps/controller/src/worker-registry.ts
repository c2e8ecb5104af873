import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { workerRecordSchema, type ModelSummary, type RedisKeys, type WorkerRecord } from '@mgm/protocol';
import { summarizeModels } from './model-summaries.ts';

/**
 * Reads the live workers from Redis. A worker is live while its record exists (the record
 * expires when heartbeats stop); ids left in the index after their record expired are pruned.
 * Nothing is cached here, so a restarted controller, or several side by side, see the same.
 */
export class WorkerRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
  ) {}

  async list(): Promise<WorkerRecord[]> {
    const ids = await this.redis.zrange(this.keys.workers, 0, -1);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.worker(id)));
    const records: WorkerRecord[] = [];
    const dead: string[] = [];
    raws.forEach((raw, index) => {
      if (raw === null) {
        dead.push(ids[index]!);
        return;
      }
      const parsed = workerRecordSchema.safeParse(safeJson(raw));
      if (parsed.success) records.push(parsed.data);
      else this.logger.warn({ workerId: ids[index] }, 'ignoring an invalid worker record');
    });
    if (dead.length > 0) await this.prune(dead);
    return records.sort((a, b) => a.model.localeCompare(b.model) || a.id.localeCompare(b.id));
  }

  async models(): Promise<ModelSummary[]> {
    return summarizeModels(await this.list());
  }

  /** Removes index entries whose record is still missing (re-checked, so a worker that just re-registered stays). */
  private async prune(ids: string[]): Promise<void> {
    for (const id of ids) {
      await this.redis.eval(
        "if redis.call('EXISTS', KEYS[1]) == 0 then return redis.call('ZREM', KEYS[2], ARGV[1]) end return 0",
        2,
        this.keys.worker(id),
        this.keys.workers,
        id,
      );
    }
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
