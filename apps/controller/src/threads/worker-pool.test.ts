import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from '@mgm/worker/testing';
import { WorkerPool } from './worker-pool.ts';

const entry = new URL('../../test/fixtures/pool-test-worker.ts', import.meta.url);
const pools: WorkerPool<{ doubled: number }>[] = [];

function pool(threads: number, maxQueue: number): WorkerPool<{ doubled: number }> {
  const p = new WorkerPool({
    name: 'test',
    entry,
    threads,
    maxQueue,
    idleExitMs: 60_000,
    parseResult: (result) => z.object({ doubled: z.number() }).parse(result),
    logger: silentLogger,
  });
  pools.push(p);
  return p;
}

const task = (value: number, ms = 0, outcome: 'ok' | 'typed' | 'throw' | 'exit' = 'ok') => ({ ms, outcome, value });

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('WorkerPool', () => {
  it('runs tasks on its threads and refuses one more than the threads and the queue hold, with a Retry-After', async () => {
    const p = pool(1, 1);
    const running = p.run(task(1, 300));
    const waiting = p.run(task(2));
    const refused = p.run(task(3));
    await expect(refused).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/busy.*try again in \d+ s/), details: { retryAfterSeconds: expect.any(Number), queued: 1 } });
    expect(p.stats).toMatchObject({ threads: 1, busy: 1, queued: 1 });
    expect(await running).toEqual({ doubled: 2 });
    expect(await waiting).toEqual({ doubled: 4 });
    // Room again once the queue drained.
    expect(await p.run(task(5))).toEqual({ doubled: 10 });
  });

  it('keeps a typed error, hides a bug behind INTERNAL, and replaces a thread that died', async () => {
    const p = pool(1, 4);
    await expect(p.run(task(7, 0, 'typed'))).rejects.toMatchObject({ code: 'IMAGE_INVALID', message: 'bad input 7', details: { value: 7 } });
    await expect(p.run(task(8, 0, 'throw'))).rejects.toMatchObject({ code: 'INTERNAL' });
    const died = p.run(task(9, 0, 'exit'));
    const next = p.run(task(10));
    await expect(died).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/thread stopped/) });
    expect(await next).toEqual({ doubled: 20 });
  });

  it('fails the waiting tasks on close and refuses new ones', async () => {
    const p = pool(1, 2);
    const running = p.run(task(1, 200));
    const waiting = p.run(task(2));
    const closed = p.close();
    await expect(waiting).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(await running).toEqual({ doubled: 2 });
    await closed;
    await expect(p.run(task(3))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
