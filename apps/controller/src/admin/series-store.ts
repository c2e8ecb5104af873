import type { Redis } from 'ioredis';
import { seriesPointSchema, type RedisKeys, type SeriesPoint } from '@mgm/protocol';

/** One sample per slot, whichever controller writes it first; older than the window: dropped. */
const ADD_SAMPLE_LUA = `
if redis.call('ZCOUNT', KEYS[1], ARGV[1], ARGV[1]) > 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;

/**
 * The dashboard's charts: a ring buffer of samples per model kept in Redis (a sorted set scored
 * by time), so every controller behind a load balancer draws the same curves and a restarted
 * controller keeps its last 15 minutes. Samples are aligned on the interval; when several
 * controllers sample the same slot, the first write wins.
 */
export class SeriesStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    readonly intervalMs: number,
    readonly windowMs: number,
  ) {}

  /** The slot a time falls in. */
  slot(at: number): number {
    return Math.floor(at / this.intervalMs) * this.intervalMs;
  }

  async add(model: string, point: SeriesPoint): Promise<boolean> {
    const t = this.slot(point.t);
    const written = await this.redis.eval(
      ADD_SAMPLE_LUA,
      1,
      this.keys.adminSeries(model),
      t,
      JSON.stringify({ ...point, t }),
      t - this.windowMs,
      this.windowMs * 2,
    );
    return Number(written) === 1;
  }

  async read(models: readonly string[], now: number): Promise<Record<string, SeriesPoint[]>> {
    const since = now - this.windowMs;
    const pipeline = this.redis.pipeline();
    for (const model of models) pipeline.zrangebyscore(this.keys.adminSeries(model), since, '+inf');
    const replies = (await pipeline.exec()) ?? [];
    const series: Record<string, SeriesPoint[]> = {};
    models.forEach((model, index) => {
      const [error, members] = replies[index] ?? [null, []];
      series[model] = error ? [] : (members as string[]).flatMap((member) => {
        const parsed = seriesPointSchema.safeParse(safeJson(member));
        return parsed.success ? [parsed.data] : [];
      });
    });
    return series;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
