import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { workerRecordSchema, type ModelSummary, type RedisKeys, type WorkerRecord } from '@mgm/protocol';
import { summarizeModels } from './model-summaries.ts';

const LIST_WORKERS_LUA = `
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local values = {}
for i, id in ipairs(ids) do
  values[i] = redis.call('GET', ARGV[1] .. id)
end
return {ids, values}
`;

/**
 * The fields a question's checks read (is the model served, is a worker ready, does the prompt
 * fit). Validating only these is what the path to the first token pays for: the whole record
 * (its evaluation block, its stats) is 1.4 kB, and its full parse took ≈ 0.25 ms of every question.
 */
const dispatchTargetSchema = workerRecordSchema.pick({ id: true, model: true, state: true, contextLength: true, visualTokens: true });
export type DispatchTarget = z.infer<typeof dispatchTargetSchema>;

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

  /** Every live worker's whole record, by model then id. */
  async list(): Promise<WorkerRecord[]> {
    const records = await this.read(workerRecordSchema);
    return records.sort((a, b) => a.model.localeCompare(b.model) || a.id.localeCompare(b.id));
  }

  /** Every live worker, only the fields a question's checks need (see `DispatchTarget`). */
  dispatchTargets(): Promise<DispatchTarget[]> {
    return this.read(dispatchTargetSchema);
  }

  async models(): Promise<ModelSummary[]> {
    return summarizeModels(await this.list());
  }

  private async read<T>(schema: z.ZodType<T>): Promise<T[]> {
    // One round trip: the index and every record it names.
    const [ids, raws] = (await this.redis.eval(LIST_WORKERS_LUA, 1, this.keys.workers, this.keys.worker(''))) as [string[], (string | null)[]];
    const records: T[] = [];
    const dead: string[] = [];
    raws.forEach((raw, index) => {
      if (raw === null) {
        dead.push(ids[index]!);
        return;
      }
      const parsed = schema.safeParse(safeJson(raw));
      if (parsed.success) records.push(parsed.data);
      else this.logger.warn({ workerId: ids[index] }, 'ignoring an invalid worker record');
    });
    if (dead.length > 0) await this.prune(dead);
    return records;
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
