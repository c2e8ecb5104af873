/**
 * What one answer costs the serving stack, in the figures that a loaded machine disturbs less than
 * wall-clock time: CPU time of each process (from /proc, all threads) and the Redis commands it
 * sends (counted with MONITOR, only those that name the stack's key prefix).
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system, every thread) a process has used so far, in ms; null off Linux or once it is gone. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

export interface RedisCommandCount {
  /** Commands the stack's clients sent (EVALSHA, XREAD, BZPOPMIN, ...), by name. */
  byClient: Record<string, number>;
  /** Commands that ran inside Lua scripts the clients sent. */
  insideLua: number;
}

/**
 * Counts, while it runs, the Redis commands that name a key under `prefix` (MONITOR sees every
 * client of a shared Redis; the prefix keeps the count to this stack). CLIENT UNBLOCK and other
 * keyless commands of the stack are not seen; BZPOPMIN/XREAD/EVALSHA all name keys.
 */
export async function countRedisCommands(redisUrl: string, prefix: string): Promise<{ stop: () => Promise<RedisCommandCount> }> {
  const connection = new Redis(redisUrl, { lazyConnect: true });
  await connection.connect();
  const monitor = await connection.monitor();
  // ioredis may report a MONITOR line that trails its last command as a queue error: a count, not a failure.
  const ignore = () => undefined;
  connection.on('error', ignore);
  monitor.on('error', ignore);
  const count: RedisCommandCount = { byClient: {}, insideLua: 0 };
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (!args.some((arg) => arg.startsWith(prefix))) return;
    if (source === 'lua') {
      count.insideLua += 1;
      return;
    }
    const command = (args[0] ?? '?').toLowerCase();
    // The relay's XREADs (job frames) apart from those of BullMQ's queue-event listeners, and
    // the frame appends apart from other scripts.
    const name =
      command === 'xread' && args.some((arg) => arg.endsWith(':events'))
        ? 'xread(events)'
        : command === 'eval' && args.some((arg) => arg.endsWith(':frames'))
          ? 'eval(frames)'
          : command;
    count.byClient[name] = (count.byClient[name] ?? 0) + 1;
  });
  return {
    stop: async () => {
      monitor.disconnect();
      connection.disconnect();
      return count;
    },
  };
}
