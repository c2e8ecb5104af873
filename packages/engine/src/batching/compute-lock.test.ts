import { describe, expect, it } from 'vitest';
import { ComputeLock } from './compute-lock.ts';

describe('ComputeLock', () => {
  it('runs one task at a time, in the order they asked, and survives a failing task', async () => {
    const lock = new ComputeLock();
    const log: string[] = [];
    let inside = 0;
    const task = (name: string, ms: number, fail = false) =>
      lock.run(async () => {
        inside += 1;
        expect(inside).toBe(1);
        log.push(`${name}>`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`<${name}`);
        inside -= 1;
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([task('a', 20), task('b', 1, true), task('c', 5)]);
    expect(log).toEqual(['a>', '<a', 'b>', '<b', 'c>', '<c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
