#!/usr/bin/env -S node --conditions=mgm-dist
// The `mgm` command: the compiled CLI (`npm run build` writes dist/). The mgm-dist condition
// makes every @mgm package resolve to its dist/ too, so no TypeScript is compiled at run time.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('mgm is not built: run `npm run build` in the repository first.\n');
  process.exit(1);
}
if (!import.meta.resolve('@mgm/protocol').endsWith('.js')) {
  process.stderr.write('mgm needs node --conditions=mgm-dist: run it as `mgm` or `node --conditions=mgm-dist apps/cli/bin/mgm.js`.\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
