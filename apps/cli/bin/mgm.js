#!/usr/bin/env node
// The `mgm` command: runs the TypeScript source through tsx, like every workspace here.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
