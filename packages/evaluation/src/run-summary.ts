import type { EvaluationResult, EvaluationRun } from './evaluation-run.ts';
import { aggregate, isShortType, type EvalScore } from './scoring.ts';
import { wilsonInterval, Z_95, type Interval } from './wilson.ts';

export interface TypeSummary {
  type: string;
  n: number;
  metric: 'exact' | 'f1';
  accuracy: number;
  /** 95 %: Wilson for exact match (a proportion); normal approximation of the mean for token F1. */
  interval: Interval;
}

export interface ModelSummary {
  model: string;
  dtype: string | null;
  /** Answered (scored) questions, and how many the run asks. */
  done: number;
  total: number;
  /** Answers that ended in an error (scored 0, as `mgm eval` scores an empty answer). */
  failures: number;
  /** Exactly what `mgm eval --json` prints for these answers: n, overall, by_type. */
  score: EvalScore;
  /** Wilson 95 % interval of `overall` (exact match over the short-answer types). */
  overallInterval: Interval;
  byType: TypeSummary[];
  medianTokensPerSecond: number | null;
  medianTtftMs: number | null;
  /** From the run's start to this model's last answer. */
  seconds: number;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function meanInterval(scores: readonly number[]): Interval {
  const n = scores.length;
  if (n === 0) return { low: 0, high: 1 };
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  const half = Z_95 * Math.sqrt(variance / n);
  return { low: Math.max(0, mean - half), high: Math.min(1, mean + half) };
}

/** Per model: progress, the `mgm eval` score, intervals and speed, from a run's results. */
export function summarizeRun(run: EvaluationRun, results: readonly EvaluationResult[]): ModelSummary[] {
  return run.models.map((model) => {
    const mine = results.filter((r) => r.model === model).sort((a, b) => a.index - b.index);
    const score = aggregate(mine);
    const short = mine.filter((r) => isShortType(r.type));
    const byType: TypeSummary[] = Object.entries(score.by_type).map(([type, t]) => {
      const scores = mine.filter((r) => r.type === type).map((r) => r.score);
      const interval = t.metric === 'exact' ? wilsonInterval(scores.filter((s) => s === 1).length, scores.length) : meanInterval(scores);
      return { type, ...t, interval };
    });
    const ok = mine.filter((r) => r.error === null);
    const last = mine.reduce((m, r) => Math.max(m, r.at), run.createdAt);
    return {
      model,
      dtype: run.dtypes[model] ?? null,
      done: mine.length,
      total: run.questions,
      failures: mine.length - ok.length,
      score,
      overallInterval: wilsonInterval(short.filter((r) => r.score === 1).length, short.length),
      byType,
      medianTokensPerSecond: median(ok.flatMap((r) => (r.tokensPerSecond === null ? [] : [r.tokensPerSecond]))),
      medianTtftMs: median(ok.flatMap((r) => (r.ttftMs === null ? [] : [r.ttftMs]))),
      seconds: Math.round((last - run.createdAt) / 100) / 10,
    };
  });
}

/** The line `mgm eval --json` prints for one model. */
export function evalJsonLine(summary: ModelSummary): { model: string; dtype: string | null } & EvalScore & { seconds: number } {
  return { model: summary.model, dtype: summary.dtype, ...summary.score, seconds: summary.seconds };
}
