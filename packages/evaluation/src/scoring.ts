/** The short-answer question types, scored by exact match; `overall` averages over these. */
export const SHORT_TYPES = ['shape', 'colour', 'count', 'position', 'text'] as const;

/** tools/mgm-tiny's normalise_answer: strip, lowercase, drop trailing dots, strip. */
export function normaliseAnswer(text: string): string {
  return text.trim().toLowerCase().replace(/\.+$/, '').trim();
}

export function exactMatch(pred: string, gold: string): number {
  return normaliseAnswer(pred) === normaliseAnswer(gold) ? 1 : 0;
}

/** SQuAD-style token F1 over whitespace-split normalised answers (tools/mgm-tiny token_f1). */
export function tokenF1(pred: string, gold: string): number {
  const p = normaliseAnswer(pred).split(/\s+/).filter(Boolean);
  const g = normaliseAnswer(gold).split(/\s+/).filter(Boolean);
  const counts = new Map<string, number>();
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of p) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      common++;
      counts.set(t, c - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / p.length;
  const recall = common / g.length;
  return (2 * precision * recall) / (precision + recall);
}

export interface TypeScore {
  n: number;
  /** exact for the short types, f1 (token F1) for description / generation. */
  metric: 'exact' | 'f1';
  /** Mean exact match, or mean token F1. */
  accuracy: number;
}

export interface EvalScore {
  n: number;
  overall: number;
  by_type: Record<string, TypeScore>;
}

export function isShortType(type: string): boolean {
  return (SHORT_TYPES as readonly string[]).includes(type);
}

export function scoreAnswer(type: string, pred: string, gold: string): number {
  return isShortType(type) ? exactMatch(pred, gold) : tokenF1(pred, gold);
}

/** Aggregates per-record scores the way tools/mgm-tiny/evaluate.py does. */
export function aggregate(records: readonly { type: string; score: number }[]): EvalScore {
  const byType = new Map<string, number[]>();
  for (const r of records) byType.set(r.type, [...(byType.get(r.type) ?? []), r.score]);
  const short = records.filter((r) => isShortType(r.type));
  const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const by_type: Record<string, TypeScore> = {};
  for (const type of [...byType.keys()].sort()) {
    const scores = byType.get(type) as number[];
    by_type[type] = { n: scores.length, metric: isShortType(type) ? 'exact' : 'f1', accuracy: mean(scores) };
  }
  return { n: records.length, overall: mean(short.map((r) => r.score)), by_type };
}
