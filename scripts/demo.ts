/**
 * `npm run demo`: Redis (REDIS_URL if it answers, else a private redis-server), the controller,
 * one worker per shipped checkpoint and the web app; prints the URL; Ctrl-C stops everything.
 * It supervises its workers: one stopped from the admin page (or crashed) stays stopped until an
 * admin presses Restart there (scripts/worker-supervisor.ts).
 * Env: REDIS_URL, REDIS_PREFIX, CONTROLLER_PORT (8780), WEB_PORT (3000), MGM_DEVICE (cpu),
 * MGM_MODELS (comma-separated checkpoint folders), WORKER_THREADS (default: the cores shared out
 * among the CPU workers), DATA_DIR (data), LOG_LEVEL (warn), ADMIN_TOKEN (default: a random one, printed).
 */
import { availableParallelism } from 'node:os';
import { defaultModels, startStack, StackError, type Stack } from './stack.ts';

const env = process.env;
let stack: Stack | null = null;
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    process.stdout.write('\n[demo] stopping...\n');
    await stack?.stop();
    process.stdout.write('[demo] stopped\n');
  }
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('SIGHUP', () => void stop(0));
// `npm run demo` runs us under `sh -c`, which does not pass a SIGTERM on: when our parent goes
// away we are re-parented, and stop everything rather than run on orphaned.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stop(0);
}, 1000).unref();

const models = env.MGM_MODELS ? env.MGM_MODELS.split(',').map((m) => m.trim()).filter(Boolean) : defaultModels;
// The workers share this machine's cores (a compare runs them all at once): give each its share
// of onnxruntime threads unless WORKER_THREADS says otherwise.
const cpuDevice = (env.MGM_DEVICE ?? 'cpu') === 'cpu';
const workerThreads = env.WORKER_THREADS || !cpuDevice ? undefined : Math.max(1, Math.floor(availableParallelism() / models.length));

try {
  stack = await startStack({
    controllerPort: env.CONTROLLER_PORT ? Number(env.CONTROLLER_PORT) : 8780,
    webPort: env.WEB_PORT ? Number(env.WEB_PORT) : 3000,
    models,
    device: env.MGM_DEVICE ?? 'cpu',
    workerThreads,
    dataDir: env.DATA_DIR,
    // the compiled processes of `npm run build` (run by predemo): no TypeScript compiled at run time
    runtime: 'dist',
  });
} catch (error) {
  process.stderr.write(`\n[demo] ${error instanceof StackError ? error.message : String(error)}\n`);
  process.exit(1);
}

const served = stack.workers.map((w) => w.id).join(', ') || 'none';
process.stdout.write(
  `\n  MGM Serve is running: open ${stack.webUrl}\n` +
    `  controller ${stack.controllerUrl} · redis ${stack.privateRedis ? `${stack.redisUrl} (private)` : 'from REDIS_URL'} · workers: ${served}\n` +
    `  admin dashboard ${stack.webUrl}/admin · token ${env.ADMIN_TOKEN ? 'from ADMIN_TOKEN' : `${stack.adminToken} (made for this run; set ADMIN_TOKEN to choose one)`}\n` +
    `  Ctrl-C stops everything.\n\n`,
);
for (const child of stack.children) {
  void child.exited.then((how) => {
    // A worker's exit is told by the supervisor, which can restart it from the admin page.
    if (stopping || child.name.startsWith('worker:')) return;
    process.stderr.write(`[demo] ${child.name} exited (${how})\n`);
    if (child.name === 'controller' || child.name === 'web' || child.name === 'redis') void stop(1);
  });
}
