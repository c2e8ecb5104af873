import { describe, expect, it } from 'vitest';
import { BusyOnlyPrefill } from './busy-only-prefill.ts';
import type { PrefillExecutor, PrefillRequest } from './prefill-executor.ts';

function recorder(name: string, calls: string[]): PrefillExecutor {
  return {
    concurrent: name === 'thread',
    encodeImage: async () => {
      calls.push(`${name}:vision`);
      return { features: new Float32Array(1), preprocessMs: 0, visionMs: 0 };
    },
    prefill: async () => {
      calls.push(`${name}:prefill`);
      return { logits: new Float32Array(1), cache: {}, length: 1, prefillMs: 0 };
    },
    close: async () => {
      calls.push(`${name}:close`);
    },
  };
}

const request: PrefillRequest = { ids: [1, 2], imageAt: -1, visual: 0, features: null, prefix: null, promptLength: 2 };

describe('BusyOnlyPrefill', () => {
  it('runs a question on the model thread while no row decodes, on the prefill thread while rows do', async () => {
    const calls: string[] = [];
    let decoding = 0;
    const thread = recorder('thread', calls);
    const prefill = new BusyOnlyPrefill({ current: () => thread, close: () => thread.close() }, recorder('local', calls), () => decoding);
    await prefill.encodeImage(new Uint8Array([1]), undefined);
    await prefill.prefill(request);
    decoding = 3;
    await prefill.encodeImage(new Uint8Array([1]), undefined);
    await prefill.prefill(request);
    await prefill.close();
    expect(calls).toEqual(['local:vision', 'local:prefill', 'thread:vision', 'thread:prefill', 'thread:close']);
    expect(prefill.concurrent).toBe(true);
  });

  it('stays on the model thread while the prefill thread is not up yet', async () => {
    const calls: string[] = [];
    const prefill = new BusyOnlyPrefill({ current: () => null, close: async () => undefined }, recorder('local', calls), () => 2);
    await prefill.prefill(request);
    expect(calls).toEqual(['local:prefill']);
  });
});
