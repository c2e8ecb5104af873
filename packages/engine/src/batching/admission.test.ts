import { describe, expect, it } from 'vitest';
import { Admission } from './admission.ts';

const live = () => new AbortController().signal;
const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setTimeout(r, 0));
  return done;
};

describe('Admission', () => {
  it('admits up to maxBatch sequences, the next one when a slot is released', async () => {
    const a = new Admission({ maxBatch: 2, kvBudgetTokens: 1000 });
    const r1 = await a.reserve(10, live());
    await a.reserve(10, live());
    const third = a.reserve(10, live());
    expect(await settled(third)).toBe(false);
    expect(a.waiting).toBe(1);
    r1.release();
    expect(await settled(third)).toBe(true);
    expect(a.running).toBe(2);
  });

  it('admits a sequence only when its worst-case KV need fits in what the budget has left', async () => {
    const a = new Admission({ maxBatch: 8, kvBudgetTokens: 100 });
    const r1 = await a.reserve(60, live());
    const big = a.reserve(50, live());
    expect(await settled(big)).toBe(false);
    expect(a.reserved).toBe(60);
    r1.release();
    r1.release(); // twice is harmless
    expect(await settled(big)).toBe(true);
    expect(a.reserved).toBe(50);
  });

  it('serves waiters first come first served (a small one does not overtake a big one)', async () => {
    const a = new Admission({ maxBatch: 8, kvBudgetTokens: 100 });
    const r1 = await a.reserve(90, live());
    const order: string[] = [];
    const big = a.reserve(80, live()).then((r) => (order.push('big'), r));
    const small = a.reserve(5, live()).then((r) => (order.push('small'), r));
    expect(await settled(small)).toBe(false);
    r1.release();
    await Promise.all([big, small]);
    expect(order).toEqual(['big', 'small']);
  });

  it('a waiter aborted while queued leaves the queue and rejects with the abort reason', async () => {
    const a = new Admission({ maxBatch: 1, kvBudgetTokens: 100 });
    await a.reserve(10, live());
    const stop = new AbortController();
    const waiting = a.reserve(10, stop.signal);
    stop.abort('cancelled');
    await expect(waiting).rejects.toBe('cancelled');
    expect(a.waiting).toBe(0);
  });

  it('a sequence that could never fit fails at once with PROMPT_TOO_LONG', async () => {
    const a = new Admission({ maxBatch: 4, kvBudgetTokens: 100 });
    await expect(a.reserve(101, live())).rejects.toMatchObject({ code: 'PROMPT_TOO_LONG' });
  });
});
