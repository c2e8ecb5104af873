import type { ModelSummary } from '@mgm/evaluation';

export type SpeedAxis = 'tokensPerSecond' | 'ttft';

export interface ChartPoint {
  model: string;
  /** SVG coordinates of the point and of its 95 % interval (vertical). */
  x: number;
  y: number;
  yLow: number;
  yHigh: number;
  accuracy: number;
  speed: number;
}

export interface ChartLayout {
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  points: ChartPoint[];
  /** Models without a speed figure yet (nothing answered). */
  missing: string[];
  xTicks: Array<{ x: number; label: string }>;
  yTicks: Array<{ y: number; label: string }>;
  xLabel: string;
}

/** A "nice" step for about `count` ticks over [0, max]. */
export function niceStep(max: number, count = 4): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

/**
 * Lays out the speed-versus-accuracy chart: one point per model at (median tokens/s or median
 * TTFT, overall accuracy), its Wilson interval as a vertical bar. Accuracy runs 0–100 % upwards;
 * speed from 0 to a rounded maximum rightwards (for TTFT, lower is better: said in the label).
 */
export function layoutSpeedAccuracy(summaries: readonly ModelSummary[], axis: SpeedAxis, width = 560, height = 320): ChartLayout {
  const plot = { left: 48, right: width - 16, top: 28, bottom: height - 40 };
  const speedOf = (s: ModelSummary) => (axis === 'tokensPerSecond' ? s.medianTokensPerSecond : s.medianTtftMs);
  const withSpeed = summaries.filter((s) => speedOf(s) !== null);
  const maxSpeed = Math.max(0, ...withSpeed.map((s) => speedOf(s)!));
  const step = niceStep(maxSpeed);
  const xMax = Math.max(step, Math.ceil(maxSpeed / step) * step);
  const x = (v: number) => plot.left + (v / xMax) * (plot.right - plot.left);
  const y = (p: number) => plot.bottom - p * (plot.bottom - plot.top);
  const xTicks = [];
  for (let v = 0; v <= xMax + step / 2; v += step) xTicks.push({ x: x(v), label: axis === 'ttft' ? `${Math.round(v)} ms` : `${Math.round(v)}` });
  return {
    width,
    height,
    plot,
    points: withSpeed.map((s) => ({
      model: s.model,
      x: x(speedOf(s)!),
      y: y(s.score.overall),
      yLow: y(s.overallInterval.low),
      yHigh: y(s.overallInterval.high),
      accuracy: s.score.overall,
      speed: speedOf(s)!,
    })),
    missing: summaries.filter((s) => speedOf(s) === null).map((s) => s.model),
    xTicks,
    yTicks: [0, 0.25, 0.5, 0.75, 1].map((p) => ({ y: y(p), label: `${p * 100}%` })),
    xLabel: axis === 'ttft' ? 'median time to first token (ms) — lower is faster' : 'median tokens/s — higher is faster',
  };
}
