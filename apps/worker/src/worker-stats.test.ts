import { describe, expect, it } from 'vitest';
import { WorkerStats } from './worker-stats.ts';

describe('WorkerStats', () => {
  it('is empty before the first job', () => {
    const stats = new WorkerStats();
    expect([stats.jobsDone, stats.jobsFailed, stats.tokensPerSecond, stats.ttftMsMedian]).toEqual([0, 0, null, null]);
  });

  it('keeps a windowed mean speed and median TTFT, ignoring jobs that generated nothing', () => {
    const stats = new WorkerStats(3);
    stats.recordDone({ tokensPerSecond: 100, ttftMs: 50, generated: 4 });
    stats.recordDone({ tokensPerSecond: 10, ttftMs: 1, generated: 0 });
    stats.recordDone({ tokensPerSecond: 200, ttftMs: 10, generated: 4 });
    expect(stats.tokensPerSecond).toBe(150);
    expect(stats.ttftMsMedian).toBe(30);
    stats.recordDone({ tokensPerSecond: 300, ttftMs: 20, generated: 4 });
    stats.recordDone({ tokensPerSecond: 400, ttftMs: 40, generated: 4 });
    expect(stats.tokensPerSecond).toBe(300);
    expect(stats.ttftMsMedian).toBe(20);
    stats.recordFailed();
    expect([stats.jobsDone, stats.jobsFailed]).toEqual([5, 1]);
  });
});
