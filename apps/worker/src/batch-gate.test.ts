import { describe, expect, it } from 'vitest';
import { jobCapacity } from './batch-gate.ts';

const load = (running: number, reserved: number, budget = 8 * 512, maxBatch = 8) => ({ maxBatch, running, kvTokensReserved: reserved, kvTokensBudget: budget });

describe('jobCapacity', () => {
  it('takes as many jobs as the batch has slots while the budget has room', () => {
    expect(jobCapacity(load(0, 0), 0, 512)).toBe(8);
    expect(jobCapacity(load(3, 3 * 100), 3, 512)).toBe(8);
  });

  it('takes a new job only when a full context still fits in the KV budget', () => {
    // 4 running sequences reserved 1900 of 2048 tokens: no room for a worst-case job.
    expect(jobCapacity(load(4, 1900, 2048), 4, 512)).toBe(4);
    // Taken jobs not yet admitted count as full contexts.
    // 1 admitted (100 reserved) + 3 taken, not admitted (3 × 512): 412 left, no room for one more.
    expect(jobCapacity(load(1, 100, 2048), 4, 512)).toBe(4);
    // 1 admitted + 1 taken: 1436 left, two more full contexts fit.
    expect(jobCapacity(load(1, 100, 2048), 2, 512)).toBe(4);
  });

  it('never asks BullMQ for less than one job or less than it holds', () => {
    expect(jobCapacity(load(0, 0, 100), 0, 512)).toBe(1);
    expect(jobCapacity(load(2, 2048, 2048), 5, 512)).toBe(5);
  });
});
