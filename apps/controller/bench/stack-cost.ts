/**
 * What one answer costs the serving stack, in the figures that a loaded machine disturbs less than
 * wall-clock time: CPU time of each process (from /proc, all threads) and the Redis commands it
 * sends (counted with MONITOR, only those that name the stack's key prefix).
 */
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { connect } from 'node:net';

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
 * A plain socket, not ioredis: ioredis' monitor mode can throw "Command queue state error" when
 * MONITOR lines arrive before it has switched modes, which happens on a busy shared Redis.
 */
export async function countRedisCommands(redisUrl: string, prefix: string): Promise<{ stop: () => Promise<RedisCommandCount> }> {
  const url = new URL(redisUrl);
  const socket = connect({ host: url.hostname || '127.0.0.1', port: Number(url.port || 6379) });
  socket.setEncoding('utf8');
  await once(socket, 'connect');
  if (url.password) socket.write(respCommand(url.username ? ['AUTH', decodeURIComponent(url.username), decodeURIComponent(url.password)] : ['AUTH', decodeURIComponent(url.password)]));
  socket.write(respCommand(['MONITOR']));
  const count: RedisCommandCount = { byClient: {}, insideLua: 0 };
  let pending = '';
  socket.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\r\n');
    pending = lines.pop() ?? '';
    for (const line of lines) countLine(line, prefix, count);
  });
  socket.on('error', () => undefined);
  return {
    stop: async () => {
      socket.destroy();
      return count;
    },
  };
}

/** One MONITOR line: `+<time> [<db> <client>] "command" "arg" ...`. */
function countLine(line: string, prefix: string, count: RedisCommandCount): void {
  const source = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] /.exec(line);
  if (!source) return;
  const args = [...line.slice(source[0].length).matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? '');
  if (!args.some((arg) => arg.startsWith(prefix))) return;
  if (source[1] === 'lua') {
    count.insideLua += 1;
    return;
  }
  const command = (args[0] ?? '?').toLowerCase();
  // The relay's XREADs (job frames) apart from those of BullMQ's queue-event listeners, and
  // the frame appends (a script whose keys name a job stream) apart from other scripts.
  const name =
    command === 'xread' && args.some((arg) => arg.endsWith(':events'))
      ? 'xread(events)'
      : command === 'eval' && args.slice(3, 3 + Number(args[2])).some((key) => key.endsWith(':frames'))
        ? 'eval(frames)'
        : command;
  count.byClient[name] = (count.byClient[name] ?? 0) + 1;
}

function respCommand(args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}
