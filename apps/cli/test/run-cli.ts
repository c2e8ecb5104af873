import { PassThrough } from 'node:stream';
import { main } from '../src/main.ts';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs `mgm` in-process with captured stdout/stderr; `stdinLines` feed the REPL, `env` is set
 * for the run and put back as it was afterwards.
 */
export async function runCli(argv: string[], opts: { stdinLines?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  stdin.end(opts.stdinLines ? opts.stdinLines.map((l) => `${l}\n`).join('') : undefined);
  const env = opts.env ?? {};
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return { code: await main(argv, { stdin, stdout, stderr }), out, err };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
