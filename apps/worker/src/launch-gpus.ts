// `npm run launch-gpus -w @mgm/worker -- --gpus 0,1,2,3 --model MGM-7B-HD [--dtype q4 ...]`:
// one model worker per GPU, each with --device cuda:N; the other flags go to every worker.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMgmError } from '@mgm/protocol';
import { GpuLauncher } from './launch/gpu-launcher.ts';
import { parseLaunchArgs } from './launch/launch-args.ts';
import { createLogger } from './logger.ts';

// Compiled (dist/launch-gpus.js, `npm run build`), the workers run compiled too; from source, through tsx.
const compiled = import.meta.url.endsWith('.js');
const WORKER_MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), compiled ? 'main.js' : 'main.ts');
const NODE_ARGS = compiled ? ['--conditions=mgm-dist'] : ['--import', 'tsx'];

function main(): void {
  let parsed;
  try {
    parsed = parseLaunchArgs(process.argv.slice(2));
  } catch (error) {
    console.error(isMgmError(error) ? error.message : error);
    process.exit(2);
  }
  if (parsed.dryRun) {
    for (const w of parsed.workers) console.log(['node', ...NODE_ARGS, WORKER_MAIN, ...w.args].join(' '));
    return;
  }
  const logger = createLogger(process.env.LOG_LEVEL ?? 'info', 'mgm-launch-gpus');
  const launcher = new GpuLauncher(
    parsed.workers,
    (w) => spawn(process.execPath, [...NODE_ARGS, WORKER_MAIN, ...w.args], { stdio: 'inherit', env: process.env }),
    logger,
  );
  process.on('SIGTERM', () => launcher.stop('SIGTERM'));
  process.on('SIGINT', () => launcher.stop('SIGTERM'));
  void launcher.done.then((exits) => {
    const failed = exits.filter((e) => e.code !== 0 && e.signal === null);
    process.exit(failed.length > 0 ? 1 : 0);
  });
}

main();
