import { describe, expect, it } from 'vitest';
import type { ModelSummary } from '@mgm/evaluation';
import { layoutSpeedAccuracy, niceStep } from './speed-accuracy-chart.ts';

function summary(model: string, overall: number, tps: number | null, ttft: number | null): ModelSummary {
  return {
    model,
    dtype: 'fp32',
    done: 10,
    total: 10,
    failures: 0,
    score: { n: 10, overall, by_type: {} },
    overallInterval: { low: Math.max(0, overall - 0.1), high: Math.min(1, overall + 0.1) },
    byType: [],
    medianTokensPerSecond: tps,
    medianTtftMs: ttft,
    seconds: 1,
  };
}

describe('speed-versus-accuracy layout', () => {
  it('puts each model at (speed, accuracy) with its interval, on rounded axes', () => {
    const layout = layoutSpeedAccuracy([summary('fast', 0.5, 180, 20), summary('slow', 0.75, 45, 80), summary('none', 0, null, null)], 'tokensPerSecond', 560, 320);
    const { plot } = layout;
    expect(niceStep(180)).toBe(50);
    expect(layout.xTicks.at(-1)!.label).toBe('200');
    const fast = layout.points.find((p) => p.model === 'fast')!;
    const slow = layout.points.find((p) => p.model === 'slow')!;
    expect(fast.x).toBeCloseTo(plot.left + (180 / 200) * (plot.right - plot.left));
    expect(slow.x).toBeLessThan(fast.x);
    // Higher accuracy is higher up (smaller y); the interval brackets the point.
    expect(slow.y).toBeLessThan(fast.y);
    expect(fast.yHigh).toBeLessThan(fast.y);
    expect(fast.yLow).toBeGreaterThan(fast.y);
    expect(fast.y).toBeCloseTo(plot.bottom - 0.5 * (plot.bottom - plot.top));
    expect(layout.missing).toEqual(['none']);
  });

  it('uses TTFT on the x axis when asked', () => {
    const layout = layoutSpeedAccuracy([summary('a', 0.5, 180, 20), summary('b', 0.5, 45, 80)], 'ttft');
    expect(layout.points.find((p) => p.model === 'b')!.x).toBeGreaterThan(layout.points.find((p) => p.model === 'a')!.x);
    expect(layout.xLabel).toContain('time to first token');
  });
});
