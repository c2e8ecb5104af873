import { sparklineGeometry, type SparkPoint } from '@/lib/admin/sparkline-path.ts';

const WIDTH = 240;
const HEIGHT = 44;

export interface SparklineProps {
  title: string;
  /** The value shown large (the latest sample). */
  current: string;
  points: readonly SparkPoint[];
  end: number;
  windowMs: number;
  intervalMs: number;
  /** Format of the scale's top value. */
  formatMax: (max: number) => string;
  minMax?: number;
  tone?: 'brand' | 'amber';
  testId?: string;
}

const tones = {
  brand: { line: 'stroke-brand-600', fill: 'fill-brand-100' },
  amber: { line: 'stroke-amber-500', fill: 'fill-amber-100' },
};

/** A small area chart of one series over the last window (inline SVG, scales to its box). */
export function Sparkline({ title, current, points, end, windowMs, intervalMs, formatMax, minMax, tone = 'brand', testId }: SparklineProps) {
  const geometry = sparklineGeometry(points, { end, windowMs, intervalMs, width: WIDTH, height: HEIGHT, minMax });
  const colors = tones[tone];
  const minutes = Math.round(windowMs / 60_000);
  return (
    <figure className="min-w-0" data-testid={testId} data-points={points.length}>
      <figcaption className="flex items-baseline justify-between gap-2 text-xs">
        <span className="font-medium text-slate-500">{title}</span>
        <span className="font-semibold tabular-nums text-slate-900">{current}</span>
      </figcaption>
      <div className="relative mt-1 rounded-md bg-slate-50 ring-1 ring-inset ring-slate-200/70">
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" className="block h-11 w-full" role="img" aria-label={`${title}, last ${minutes} minutes`}>
          <line x1="0" x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="stroke-slate-200" strokeWidth="1" />
          {geometry.area ? <path d={geometry.area} className={`${colors.fill} opacity-70`} /> : null}
          {geometry.line ? (
            <path d={geometry.line} className={colors.line} fill="none" strokeWidth="1.5" vectorEffect="non-scaling-stroke" strokeLinejoin="round" />
          ) : null}
        </svg>
        <span className="pointer-events-none absolute left-1 top-0.5 text-[10px] tabular-nums text-slate-400">max {formatMax(geometry.max)}</span>
        {points.length === 0 ? (
          <span className="absolute inset-0 grid place-items-center text-[11px] text-slate-400">no samples yet</span>
        ) : null}
      </div>
      <div className="mt-0.5 flex justify-between text-[10px] text-slate-400">
        <span>−{minutes} min</span>
        <span>now</span>
      </div>
    </figure>
  );
}
