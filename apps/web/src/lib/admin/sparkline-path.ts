export interface SparkPoint {
  t: number;
  value: number;
}

export interface SparkGeometry {
  /** Polyline of the values ("" without points). */
  line: string;
  /** The same, closed down to the baseline, for the fill. */
  area: string;
  max: number;
}

/**
 * Lays points out over a time window [end - windowMs, end] on a width × height box, values from
 * 0 (bottom) to the largest value (top; at least `minMax` so a flat low line stays low).
 * A gap longer than three intervals (a controller was down) breaks the line.
 */
export function sparklineGeometry(
  points: readonly SparkPoint[],
  options: { end: number; windowMs: number; intervalMs: number; width: number; height: number; minMax?: number },
): SparkGeometry {
  const { end, windowMs, intervalMs, width, height } = options;
  const start = end - windowMs;
  const visible = points.filter((p) => p.t >= start && p.t <= end).sort((a, b) => a.t - b.t);
  const max = Math.max(options.minMax ?? 1, ...visible.map((p) => p.value));
  const x = (t: number) => round(((t - start) / windowMs) * width);
  const y = (v: number) => round(height - (v / max) * (height - 2) - 1);
  const runs: SparkPoint[][] = [];
  for (const point of visible) {
    const run = runs.at(-1);
    const previous = run?.at(-1);
    if (run && previous && point.t - previous.t <= intervalMs * 3) run.push(point);
    else runs.push([point]);
  }
  const line = runs.map((run) => run.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t)},${y(p.value)}`).join(' ')).join(' ');
  const area = runs
    .map((run) => `M${x(run[0]!.t)},${height} ${run.map((p) => `L${x(p.t)},${y(p.value)}`).join(' ')} L${x(run.at(-1)!.t)},${height} Z`)
    .join(' ');
  return { line, area, max };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
