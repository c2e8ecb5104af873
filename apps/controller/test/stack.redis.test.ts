import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateAck } from '@mgm/protocol';
import { startStack, type Stack } from '../../../scripts/stack.ts';
import { framesUntilEnd, openClient } from './test-controller.ts';

let stack: Stack;
const lines: string[] = [];

beforeAll(async () => {
  stack = await startStack({
    privateRedis: true,
    redisPrefix: `test-stack-${process.pid}`,
    controllerPort: 0,
    webPort: null,
    models: ['packages/engine/test/fixtures/micro-mgm', 'models/does-not-exist'],
    output: (source, line) => lines.push(`[${source}] ${line}`),
    timeoutMs: 60_000,
  });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the stack launcher', () => {
  it('starts a private Redis, the controller and a worker per existing checkpoint, skipping a missing one', async () => {
    expect(stack.privateRedis).toBe(true);
    expect(stack.skipped).toEqual([{ checkpoint: 'models/does-not-exist', reason: expect.stringContaining('no mgm.json') }]);
    expect(lines.some((l) => l.includes('warning: skipping models/does-not-exist'))).toBe(true);
    const models = (await (await fetch(`${stack.controllerUrl}/api/models`)).json()) as { models: Array<{ id: string; ready: number }> };
    expect(models.models).toEqual([expect.objectContaining({ id: 'micro-mgm', ready: 1 })]);
  });

  it('serves a question end to end', async () => {
    const socket = await openClient(stack.controllerUrl);
    const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', {
      messages: [{ role: 'user', content: 'Describe it.' }],
      models: ['micro-mgm'],
      params: { temperature: 0, maxNewTokens: 4 },
    });
    if (!ack.ok) throw new Error(ack.error.message);
    const frames = (await framesUntilEnd(socket, [ack.jobs[0]!.jobId], 30_000)).get(ack.jobs[0]!.jobId)!;
    socket.disconnect();
    expect(frames.at(-1)).toMatchObject({ type: 'end', finishReason: expect.stringMatching(/stop|length/) });
  });

  it('stops every process it started', async () => {
    const children = stack.children;
    await stack.stop();
    expect(children.length).toBe(3);
    expect(children.every((c) => c.child.exitCode !== null || c.child.signalCode !== null)).toBe(true);
    await expect(fetch(`${stack.controllerUrl}/healthz`)).rejects.toThrow();
  });
});
