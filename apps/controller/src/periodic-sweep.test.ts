import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PeriodicSweep } from './periodic-sweep.ts';

describe('PeriodicSweep', () => {
  it('never runs two sweeps at once, survives a failed one, and close waits for the one in progress', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    let finished = 0;
    const sweep = async () => {
      running += 1;
      most = Math.max(most, running);
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 25));
      running -= 1;
      finished += 1;
      if (runs === 1) throw new Error('the first sweep fails');
    };
    const loop = new PeriodicSweep(sweep, { intervalMs: 5, logger: pino({ level: 'silent' }), what: 'test sweep' });
    loop.start();
    await new Promise((resolve) => setTimeout(resolve, 120));
    await loop.close();
    expect(most).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(finished).toBe(runs);
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toBe(after);
  });
});
