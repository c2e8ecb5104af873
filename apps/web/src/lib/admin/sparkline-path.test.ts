import { describe, expect, it } from 'vitest';
import { sparklineGeometry } from './sparkline-path.ts';

const box = { end: 1000, windowMs: 1000, intervalMs: 100, width: 100, height: 21 };

describe('sparklineGeometry', () => {
  it('places values over the time window, scaled to the largest', () => {
    const g = sparklineGeometry(
      [
        { t: 500, value: 0 },
        { t: 600, value: 10 },
        { t: 1000, value: 5 },
      ],
      box,
    );
    expect(g.max).toBe(10);
    // 0 sits on the bottom, the max on the top; the 400 ms gap (over 3 intervals) starts a new run.
    expect(g.line).toBe('M50,20 L60,1 M100,10.5');
    expect(g.area).toContain('Z');
  });

  it('breaks the line at a long gap, drops points outside the window, and keeps a flat low line low', () => {
    const g = sparklineGeometry(
      [
        { t: -10, value: 9 },
        { t: 100, value: 0.5 },
        { t: 200, value: 0.5 },
        { t: 900, value: 0.5 },
      ],
      { ...box, minMax: 4 },
    );
    expect(g.max).toBe(4);
    expect(g.line).toBe('M10,17.6 L20,17.6 M90,17.6');
    expect(sparklineGeometry([], box)).toEqual({ line: '', area: '', max: 1 });
  });
});
