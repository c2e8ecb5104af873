import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateAck } from '@mgm/protocol';
import { repoRoot, startStack, type Stack } from '../../../scripts/stack.ts';
import { framesUntilEnd, openClient } from './test-controller.ts';

// What `npm run demo` and the Docker image run: `npm run build`'s JavaScript, no tsx.
const run = promisify(execFile);
let stack: Stack;

beforeAll(async () => {
  // Incremental: only what changed since the last build is compiled.
  await run(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { cwd: repoRoot });
  await run(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'apps/web/tsconfig.server.json'], { cwd: repoRoot });
  stack = await startStack({
    runtime: 'dist',
    privateRedis: true,
    redisPrefix: `test-compiled-stack-${process.pid}`,
    controllerPort: 0,
    webPort: null,
    models: ['packages/engine/test/fixtures/micro-mgm'],
    output: () => undefined,
    timeoutMs: 90_000,
  });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

/** A process's command line (Linux /proc). */
function commandLine(pid: number | undefined): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

describe('the compiled stack (runtime dist)', () => {
  it('runs the controller and the worker from dist/ with the mgm-dist condition, without tsx', () => {
    const controller = stack.children.find((c) => c.name === 'controller')!;
    const worker = stack.children.find((c) => c.name.startsWith('worker:'))!;
    expect(commandLine(controller.child.pid).slice(1)).toEqual(['--conditions=mgm-dist', 'apps/controller/dist/main.js']);
    const workerArgs = commandLine(worker.child.pid);
    expect(workerArgs.slice(1, 3)).toEqual(['--conditions=mgm-dist', 'apps/worker/dist/main.js']);
    for (const args of [commandLine(controller.child.pid), workerArgs]) expect(args.join(' ')).not.toMatch(/tsx|\.ts\b/);
  });

  it('serves a question end to end', async () => {
    const socket = await openClient(stack.controllerUrl);
    const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', {
      messages: [{ role: 'user', content: 'Describe it.' }],
      models: ['micro-mgm'],
      params: { temperature: 0, maxNewTokens: 4 },
    });
    if (!ack.ok) throw new Error(ack.error.message);
    const frames = (await framesUntilEnd(socket, [ack.jobs[0]!.jobId], 60_000)).get(ack.jobs[0]!.jobId)!;
    socket.disconnect();
    expect(frames.at(-1)).toMatchObject({ type: 'end', finishReason: expect.stringMatching(/stop|length/) });
  }, 90_000);
});
