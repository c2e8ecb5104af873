import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The URL of module `name` beside the calling module, with the caller's extension: `.js` when the
 * controller runs compiled (dist), `.ts` when it runs from source (tsx, vitest).
 */
export function siblingModule(callerUrl: string, name: string): URL {
  return new URL(`./${name}${path.extname(fileURLToPath(callerUrl))}`, callerUrl);
}

/**
 * Starts a worker thread on an ES module of this app. A compiled module starts as it is, with the
 * process's flags (`--conditions=mgm-dist` included). A TypeScript source module first registers
 * tsx's loader in the thread: Node 20 does not run a worker's entry through the loader hooks the
 * parent registered with `--import tsx`, nor through vitest's.
 */
export function startModuleWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
