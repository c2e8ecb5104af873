import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, type ManagedChild } from './child-process.ts';
import { freePort, pingRedis, portIsFree } from './redis-probe.ts';
import { WorkerSupervisor } from './worker-supervisor.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository (this file runs from scripts/, or compiled from scripts/dist/). */
export const repoRoot = path.resolve(here, path.basename(here) === 'dist' ? '../..' : '..');
export const defaultModels = ['models/mgm-tiny', 'models/mgm-tiny-hd', 'models/llava-tiny'];

export interface StackOptions {
  /** Redis to use when it answers (default env REDIS_URL, else redis://127.0.0.1:6379); else a private redis-server. */
  redisUrl?: string;
  /** Always start a private redis-server (tests). */
  privateRedis?: boolean;
  /** Key prefix of this stack in Redis (default "mgm"); tests pass a unique one. */
  redisPrefix?: string;
  /** 0 picks a free port. */
  controllerPort?: number;
  /** 0 picks a free port; null runs no web app. */
  webPort?: number | null;
  /** Checkpoint folders, relative to the repo root or absolute; missing ones are skipped with a warning. */
  models?: string[];
  /** Worker device (cpu, cuda:N). */
  device?: string;
  /** onnxruntime intra-op threads of each worker (default: onnxruntime's, all cores). */
  workerThreads?: number;
  dataDir?: string;
  /** LOG_LEVEL of the children (default warn). */
  logLevel?: string;
  /** Build the web app first: when its build is missing or older than its sources (auto), always, or never. */
  buildWeb?: 'auto' | 'always' | 'never';
  /** Extra environment for every child. */
  env?: Record<string, string>;
  /** The controller's ADMIN_TOKEN (default env ADMIN_TOKEN, else a random one made for this stack). */
  adminToken?: string;
  /**
   * How the controller, workers and web server run: `dist` = the compiled JavaScript of
   * `npm run build` (node --conditions=mgm-dist, no TypeScript compiled at run time; what
   * `npm run demo` and the Docker image run), `source` = the TypeScript sources through tsx
   * (default: tests and benches see the code as it is now, without a build).
   */
  runtime?: StackRuntime;
  /**
   * glibc's MALLOC_ARENA_MAX of the workers (default 2: 8–30 MB less RSS after a few HD answers,
   * README "Compiled processes and process memory"); null leaves glibc's default (one arena per thread). An explicit
   * MALLOC_ARENA_MAX in the environment wins.
   */
  workerMallocArenaMax?: number | null;
  /** What the admin page says started the workers it can restart (default "npm run demo"). */
  supervisorLabel?: string;
  /** Where the children's output lines and the launcher's notes go. */
  output?: (source: string, line: string) => void;
  /** How long to wait for each part to come up. */
  timeoutMs?: number;
}

export type StackRuntime = 'source' | 'dist';

/** The node arguments that run an entry point (a path under the package, without src/ or dist/). */
export function entryArgs(runtime: StackRuntime, packageDir: string, entry: string): string[] {
  return runtime === 'dist'
    ? ['--conditions=mgm-dist', path.join(packageDir, 'dist', `${entry}.js`)]
    : ['--import', 'tsx', path.join(packageDir, 'src', `${entry}.ts`)];
}

/** Fails with the command to run when the compiled processes are missing. */
export function assertBuilt(): void {
  const missing = ['apps/controller/dist/main.js', 'apps/worker/dist/main.js', 'apps/web/dist-server/server.js'].filter((f) => !existsSync(path.join(repoRoot, f)));
  if (missing.length > 0) throw new StackError(`the compiled processes are missing (${missing.join(', ')}): run \`npm run build\` first`);
}

export interface StackWorker {
  id: string;
  checkpoint: string;
  pid: number | undefined;
}

export interface Stack {
  redisUrl: string;
  redisPrefix: string;
  privateRedis: boolean;
  controllerUrl: string;
  /** The one URL a person opens (null without the web app). */
  webUrl: string | null;
  workers: StackWorker[];
  skipped: Array<{ checkpoint: string; reason: string }>;
  children: ManagedChild[];
  /** What logs into /admin (and the admin API as a Bearer token). */
  adminToken: string;
  /** Milliseconds from spawn to ready: the controller (answers /healthz) and each worker (state ready), by worker id. */
  readyMs: { controller: number; workers: Record<string, number> };
  /** Restarts a stopped worker on an admin's request (README "Restarting a stopped worker"). */
  supervisor: WorkerSupervisor;
  /** Stops every process this stack started (workers first, Redis last). */
  stop: () => Promise<void>;
}

export class StackError extends Error {}

/**
 * Starts MGM Serve: Redis (the given one if it answers, else a private redis-server), the
 * controller, one worker per checkpoint folder, and the web app. Everything it starts is stopped
 * by `stop`, and also when starting fails half-way.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const output = options.output ?? ((source, line) => process.stdout.write(`[${source}] ${line}\n`));
  const note = (line: string) => output('demo', line);
  const timeoutMs = options.timeoutMs ?? 120_000;
  const children: ManagedChild[] = [];
  let supervisor: WorkerSupervisor | null = null;
  const stopAll = async () => {
    // The supervisor first: it stops the workers it restarted, and no restart races the shutdown.
    await supervisor?.close();
    const order = [...children].sort((a, b) => rank(a.name) - rank(b.name));
    for (const group of [0, 1, 2, 3]) {
      await Promise.all(order.filter((c) => rank(c.name) === group).map((c) => c.stop()));
    }
  };
  const runtime = options.runtime ?? 'source';
  try {
    if (runtime === 'dist') assertBuilt();
    const redisPrefix = options.redisPrefix ?? process.env.REDIS_PREFIX ?? 'mgm';
    const { redisUrl, privateRedis } = await resolveRedis(options, children, output);
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      LOG_LEVEL: options.logLevel ?? process.env.LOG_LEVEL ?? 'warn',
      NEXT_TELEMETRY_DISABLED: '1',
      ...options.env,
    };

    const adminToken = options.adminToken ?? options.env?.ADMIN_TOKEN ?? (process.env.ADMIN_TOKEN || randomBytes(24).toString('base64url'));
    const controllerPort = await pickPort(options.controllerPort ?? 8780, 'CONTROLLER_PORT', '127.0.0.1');
    const controllerUrl = `http://127.0.0.1:${controllerPort}`;
    const controllerSpawned = performance.now();
    const controller = startChild(
      'controller',
      process.execPath,
      entryArgs(runtime, 'apps/controller', 'main'),
      {
        cwd: repoRoot,
        env: { ...childEnv, ADMIN_TOKEN: adminToken, CONTROLLER_PORT: String(controllerPort), CONTROLLER_HOST: '127.0.0.1', DATA_DIR: path.resolve(repoRoot, options.dataDir ?? 'data') },
      },
      output,
    );
    children.push(controller);
    await waitUntil(async () => (await fetchStatus(`${controllerUrl}/healthz`)) === 200, controller, timeoutMs, 'the controller to answer');
    const readyMs: Stack['readyMs'] = { controller: performance.now() - controllerSpawned, workers: {} };
    note(`controller: ${controllerUrl}`);

    supervisor = new WorkerSupervisor({ redisUrl, redisPrefix, label: options.supervisorLabel ?? 'npm run demo', note });
    await supervisor.start();
    const workers: StackWorker[] = [];
    const slotIds = new Set<string>();
    const skipped: Stack['skipped'] = [];
    const spawnedAt = new Map<string, number>();
    const arenaMax = options.workerMallocArenaMax === undefined ? 2 : options.workerMallocArenaMax;
    const mallocEnv: Record<string, string> = arenaMax === null ? {} : { MALLOC_ARENA_MAX: String(arenaMax) };
    for (const folder of options.models ?? defaultModels) {
      const checkpoint = path.resolve(repoRoot, folder);
      if (!existsSync(path.join(checkpoint, 'mgm.json'))) {
        const reason = `no checkpoint at ${folder} (no mgm.json) yet`;
        skipped.push({ checkpoint: folder, reason });
        note(`warning: skipping ${folder}: ${reason}`);
        continue;
      }
      const name = path.basename(checkpoint);
      const device = options.device ?? 'cpu';
      const newWorkerId = () => `${name}-${Math.random().toString(36).slice(2, 8)}`;
      const spawnWorker = (workerId: string) =>
        startChild(
          `worker:${name}`,
          process.execPath,
          [
            ...entryArgs(runtime, 'apps/worker', 'main'),
            ...['--model', checkpoint, '--device', device, '--id', workerId],
            ...(options.workerThreads ? ['--threads', String(options.workerThreads)] : []),
          ],
          { cwd: repoRoot, env: { ...mallocEnv, ...childEnv } },
          output,
        );
      const id = newWorkerId();
      const worker = spawnWorker(id);
      // One slot per worker: a second worker of the same checkpoint on the same device gets ".2".
      const baseSlot = `${name}.${device.replace(/[^A-Za-z0-9_-]/gu, '')}`;
      const slotId = slotIds.has(baseSlot) ? `${baseSlot}.${slotIds.size + 1}` : baseSlot;
      slotIds.add(slotId);
      await supervisor.adopt({ slotId, checkpoint: name, device, newWorkerId, spawn: spawnWorker }, worker, id);
      children.push(worker);
      workers.push({ id, checkpoint, pid: worker.child.pid });
      spawnedAt.set(id, performance.now());
    }
    // Polled together, so each worker's ready time is its own.
    await Promise.all(
      workers.map(async (worker) => {
        const child = children.find((c) => c.child.pid === worker.pid)!;
        await waitUntil(async () => (await workerState(controllerUrl, worker.id, adminToken)) === 'ready', child, timeoutMs, `worker ${worker.id} to load its checkpoint`);
        readyMs.workers[worker.id] = performance.now() - (spawnedAt.get(worker.id) as number);
      }),
    );
    for (const worker of workers) {
      note(`worker ready: ${worker.id} (${path.relative(repoRoot, worker.checkpoint)})`);
    }
    if (workers.length === 0) note('warning: no checkpoint was found, so no model is served; see models/README.md');

    let webUrl: string | null = null;
    if (options.webPort !== null) {
      await buildWeb(options.buildWeb ?? 'auto', childEnv, children, output, note);
      const webPort = await pickPort(options.webPort ?? 3000, 'WEB_PORT', '0.0.0.0');
      const web = startChild(
        'web',
        process.execPath,
        runtime === 'dist' ? ['--conditions=mgm-dist', 'dist-server/server.js'] : ['--import', 'tsx', 'server.ts'],
        {
          cwd: path.join(repoRoot, 'apps/web'),
          env: { ...childEnv, NODE_ENV: 'production', WEB_PORT: String(webPort), WEB_HOST: childEnv.WEB_HOST ?? '0.0.0.0', CONTROLLER_URL: controllerUrl },
        },
        output,
      );
      children.push(web);
      webUrl = `http://localhost:${webPort}`;
      await waitUntil(async () => (await fetchStatus(`http://127.0.0.1:${webPort}/`)) === 200, web, timeoutMs, 'the web app to answer');
    }
    return { redisUrl, redisPrefix, privateRedis, controllerUrl, webUrl, workers, skipped, children, adminToken, readyMs, supervisor, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Stop order: workers (they finish or hand back their jobs), then web and controller, then Redis. */
function rank(name: string): number {
  if (name.startsWith('worker:')) return 0;
  if (name === 'web') return 1;
  if (name === 'controller') return 2;
  return 3;
}

async function resolveRedis(
  options: StackOptions,
  children: ManagedChild[],
  output: (source: string, line: string) => void,
): Promise<{ redisUrl: string; privateRedis: boolean }> {
  const wanted = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!options.privateRedis && (await pingRedis(wanted))) {
    output('demo', `redis: using ${redact(wanted)}`);
    return { redisUrl: wanted, privateRedis: false };
  }
  if (!options.privateRedis) output('demo', `redis: nothing answers at ${redact(wanted)}; starting a private redis-server`);
  const port = await freePort();
  const redis = startChild(
    'redis',
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    { cwd: repoRoot },
    (_source, line) => {
      if (/error|warning/i.test(line)) output('redis', line);
    },
  );
  children.push(redis);
  const redisUrl = `redis://127.0.0.1:${port}`;
  const started = await Promise.race([
    (async () => {
      for (let i = 0; i < 100; i += 1) {
        if (await pingRedis(redisUrl, 300)) return true;
        if (redis.child.exitCode !== null) return false;
        await sleep(100);
      }
      return false;
    })(),
    redis.exited.then(() => false),
  ]);
  if (!started) {
    throw new StackError(
      `Redis is needed and none could be started.\n` +
        `  Nothing answers at ${redact(wanted)} (set REDIS_URL to point at a running Redis), and redis-server ${redis.tail().includes('could not start') ? 'is not installed' : 'failed to start'}.\n` +
        `  Install it: Debian/Ubuntu \`sudo apt-get install redis-server\`, macOS \`brew install redis\`,\n` +
        `  or run one with Docker: \`docker run -d -p 6379:6379 redis:7\`.`,
    );
  }
  output('demo', `redis: private redis-server on ${redisUrl} (stopped with the demo)`);
  return { redisUrl, privateRedis: true };
}

async function buildWeb(
  mode: 'auto' | 'always' | 'never',
  env: NodeJS.ProcessEnv,
  children: ManagedChild[],
  output: (source: string, line: string) => void,
  note: (line: string) => void,
): Promise<void> {
  const webDir = path.join(repoRoot, 'apps/web');
  if (!existsSync(path.join(webDir, 'package.json'))) throw new StackError('apps/web is missing: the web app cannot start');
  if (mode === 'never' || (mode === 'auto' && !webBuildIsStale(webDir))) return;
  note('building the web app (next build; the first time takes a minute or two)...');
  const build = startChild('web-build', process.execPath, [path.join(repoRoot, 'node_modules/next/dist/bin/next'), 'build'], { cwd: webDir, env: { ...env, NODE_ENV: 'production' } }, output);
  children.push(build);
  const result = await build.exited;
  children.splice(children.indexOf(build), 1);
  if (result !== 'code 0') throw new StackError(`the web app build failed (${result}):\n${build.tail()}`);
}

/** True when .next/BUILD_ID is missing or older than a source file of the web app. */
function webBuildIsStale(webDir: string): boolean {
  const buildId = path.join(webDir, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const newest = (dir: string): number => {
    let latest = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
    }
    return latest;
  };
  const sources = ['src', 'public'].map((d) => path.join(webDir, d)).filter(existsSync);
  const files = ['next.config.ts', 'package.json', 'postcss.config.mjs'].map((f) => path.join(webDir, f)).filter(existsSync);
  const latest = Math.max(...sources.map(newest), ...files.map((f) => statSync(f).mtimeMs));
  return latest > built;
}

async function pickPort(port: number, variable: string, host: string): Promise<number> {
  if (port === 0) return freePort();
  if (!(await portIsFree(port, host))) {
    throw new StackError(`port ${port} is already in use: stop what uses it or set ${variable} to another port`);
  }
  return port;
}

async function waitUntil(probe: () => Promise<boolean>, child: ManagedChild, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | null = null;
  void child.exited.then((how) => {
    exited = how;
  });
  while (Date.now() < deadline) {
    if (exited !== null) throw new StackError(`${child.name} exited (${exited}) while waiting for ${what}:\n${child.tail()}`);
    if (await probe().catch(() => false)) return;
    await sleep(150);
  }
  throw new StackError(`timed out after ${timeoutMs} ms waiting for ${what}:\n${child.tail()}`);
}

async function fetchStatus(url: string): Promise<number> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status;
}

/** Worker ids are admin-only (the public list does not name workers). */
async function workerState(controllerUrl: string, id: string, adminToken: string): Promise<string | null> {
  const res = await fetch(`${controllerUrl}/api/admin/workers`, { headers: { authorization: `Bearer ${adminToken}` }, signal: AbortSignal.timeout(2000) });
  const body = (await res.json()) as { workers?: Array<{ id: string; state: string }> };
  return body.workers?.find((w) => w.id === id)?.state ?? null;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
