import { connect as connectTcp, createServer, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

/**
 * Whether a Redis answers PING at `url` (redis:// or rediss://, with optional user:password),
 * using a raw socket so the launcher needs no Redis client library.
 */
export function pingRedis(url: string, timeoutMs = 1500): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve(false);
  }
  const port = Number(parsed.port || 6379);
  const host = parsed.hostname || '127.0.0.1';
  const tls = parsed.protocol === 'rediss:';
  return new Promise((resolve) => {
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(ok);
    };
    const socket: Socket = tls ? connectTls({ host, port, servername: host }) : connectTcp({ host, port });
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on('error', () => finish(false));
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      const password = decodeURIComponent(parsed.password);
      const user = decodeURIComponent(parsed.username);
      const commands: string[][] = [];
      if (password) commands.push(user ? ['AUTH', user, password] : ['AUTH', password]);
      commands.push(['PING']);
      socket.write(commands.map(encodeCommand).join(''));
    });
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      if (buffer.startsWith('-')) finish(false);
      else if (buffer.includes('+PONG')) finish(true);
    });
  });
}

function encodeCommand(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** A TCP port nobody listens on right now (the kernel picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether `port` can be bound on `host` right now. */
export function portIsFree(port: number, host = '0.0.0.0'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
