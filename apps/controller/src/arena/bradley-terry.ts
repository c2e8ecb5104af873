import { seededRandom } from '@mgm/protocol';

/** The result of one blind pairwise vote, as FastChat's arena records it. */
export type PairOutcome = 'a' | 'b' | 'tie' | 'both-bad';

export interface PairBattle {
  a: string;
  b: string;
  outcome: PairOutcome;
}

export interface RatingScale {
  /** Mean rating of the models (FastChat: 1000). */
  base: number;
  /** Elo points per factor 10 of strength (FastChat: 400). */
  scale: number;
}

export const ELO_SCALE: RatingScale = { base: 1000, scale: 400 };

export interface BradleyTerryFit {
  ratings: Map<string, number>;
  /** True when the MLE does not exist and one virtual tie per pair of models was added. */
  regularized: boolean;
  iterations: number;
}

const TOLERANCE = 1e-10;
const MAX_ITERATIONS = 100_000;

/**
 * Bradley–Terry maximum-likelihood ratings, P(i beats j) = p_i / (p_i + p_j), fitted with Hunter's
 * MM algorithm (2004): p_i ← W_i / Σ_j n_ij / (p_i + p_j), W_i = i's wins, n_ij = games of i and j.
 * Ties and both-bad count as half a win for each side, which is what FastChat's compute_mle_elo
 * does (a win weighs 2, a tie 1 for each side). Ratings are base + scale · log10(p_i), centred so
 * that their mean is `base`, as FastChat's unpenalised logistic regression started from zero is.
 *
 * The MLE exists only when the "beat or tied" graph is strongly connected (Ford 1957); otherwise
 * (a model that never lost, typical with few votes) one virtual tie between every pair of models
 * keeps the ratings finite, and `regularized` says so.
 */
export function fitBradleyTerry(battles: readonly PairBattle[], scale: RatingScale = ELO_SCALE): BradleyTerryFit {
  const encoded = encodeBattles(battles);
  const wins = emptyWins(encoded.models.length);
  for (let t = 0; t < battles.length; t += 1) addBattle(wins, encoded, t);
  return fitWins(encoded.models, wins, scale);
}

/** Battles as model indices and outcome codes, so that resampling them is cheap. */
interface EncodedBattles {
  models: string[];
  a: Int32Array;
  b: Int32Array;
  /** 0: a won, 1: b won, 2: tie or both bad. */
  outcome: Uint8Array;
}

function encodeBattles(battles: readonly PairBattle[]): EncodedBattles {
  const models = [...new Set(battles.flatMap((battle) => [battle.a, battle.b]))].sort();
  const index = new Map(models.map((model, i) => [model, i]));
  const encoded: EncodedBattles = {
    models,
    a: new Int32Array(battles.length),
    b: new Int32Array(battles.length),
    outcome: new Uint8Array(battles.length),
  };
  battles.forEach(({ a, b, outcome }, t) => {
    if (a === b) throw new Error(`a battle of ${a} against itself cannot be rated`);
    encoded.a[t] = index.get(a)!;
    encoded.b[t] = index.get(b)!;
    encoded.outcome[t] = outcome === 'a' ? 0 : outcome === 'b' ? 1 : 2;
  });
  return encoded;
}

function emptyWins(k: number): Float64Array[] {
  return Array.from({ length: k }, () => new Float64Array(k));
}

/** Adds battle t to wins[i][j] (i's wins over j; a tie is half a win each). */
function addBattle(wins: Float64Array[], encoded: EncodedBattles, t: number): void {
  const i = encoded.a[t]!;
  const j = encoded.b[t]!;
  const outcome = encoded.outcome[t];
  if (outcome === 0) wins[i]![j]! += 1;
  else if (outcome === 1) wins[j]![i]! += 1;
  else {
    wins[i]![j]! += 0.5;
    wins[j]![i]! += 0.5;
  }
}

/** Fits the models that played at least once (wins is consumed: virtual ties may be added to it). */
function fitWins(allModels: readonly string[], allWins: Float64Array[], scale: RatingScale): BradleyTerryFit {
  const active = allModels.map((_, i) => i).filter((i) => allWins[i]!.some((w, j) => w > 0 || allWins[j]![i]! > 0));
  const models = active.map((i) => allModels[i]!);
  const k = models.length;
  const wins = active.map((i) => Float64Array.from(active, (j) => allWins[i]![j]!));
  const regularized = k > 1 && !stronglyConnected(wins);
  if (regularized) {
    for (let i = 0; i < k; i += 1) for (let j = 0; j < k; j += 1) if (i !== j) wins[i]![j]! += 0.5;
  }
  const { strengths, iterations } = maximiseLikelihood(wins);
  const logs = strengths.map((p) => Math.log10(p));
  const mean = logs.reduce((sum, value) => sum + value, 0) / Math.max(1, k);
  const ratings = new Map(models.map((model, i) => [model, scale.base + scale.scale * (logs[i]! - mean)]));
  return { ratings, regularized, iterations };
}

function maximiseLikelihood(wins: Float64Array[]): { strengths: number[]; iterations: number } {
  const k = wins.length;
  const totalWins = wins.map((row) => row.reduce((sum, value) => sum + value, 0));
  let p = new Array<number>(k).fill(1);
  for (let iteration = 1; iteration <= MAX_ITERATIONS; iteration += 1) {
    const next = p.map((pi, i) => {
      let denominator = 0;
      for (let j = 0; j < k; j += 1) {
        const games = wins[i]![j]! + wins[j]![i]!;
        if (j !== i && games > 0) denominator += games / (pi + p[j]!);
      }
      return denominator > 0 ? totalWins[i]! / denominator : pi;
    });
    // Strengths are defined up to a factor: keep their geometric mean at 1.
    const logMean = next.reduce((sum, value) => sum + Math.log(value), 0) / k;
    const normalised = next.map((value) => value / Math.exp(logMean));
    const change = Math.max(...normalised.map((value, i) => Math.abs(Math.log(value) - Math.log(p[i]!))));
    p = normalised;
    if (change < TOLERANCE) return { strengths: p, iterations: iteration };
  }
  return { strengths: p, iterations: MAX_ITERATIONS };
}

/** True when every model reaches every other along "won (or tied) against" edges. */
function stronglyConnected(wins: Float64Array[]): boolean {
  const k = wins.length;
  const reach = (forward: boolean): number => {
    const seen = new Set<number>([0]);
    const stack = [0];
    while (stack.length > 0) {
      const i = stack.pop()!;
      for (let j = 0; j < k; j += 1) {
        const edge = forward ? wins[i]![j]! : wins[j]![i]!;
        if (edge > 0 && !seen.has(j)) {
          seen.add(j);
          stack.push(j);
        }
      }
    }
    return seen.size;
  };
  return reach(true) === k && reach(false) === k;
}

export interface BootstrapInterval {
  low: number;
  high: number;
  /** Rounds in which the model took part (a resample can miss a model with few votes). */
  rounds: number;
}

/**
 * 95 % percentile-bootstrap intervals: `rounds` resamples of the battles with replacement (a
 * seeded generator, so the same votes always give the same intervals), one fit per resample,
 * and the 2.5 % and 97.5 % quantiles of each model's ratings (linear interpolation, as numpy).
 */
export function bootstrapBradleyTerry(
  battles: readonly PairBattle[],
  options: { rounds: number; seed: number; scale?: RatingScale },
): Map<string, BootstrapInterval> {
  const random = seededRandom(options.seed);
  const samples = new Map<string, number[]>();
  const encoded = encodeBattles(battles);
  const n = battles.length;
  if (n > 0) {
    for (let round = 0; round < options.rounds; round += 1) {
      const wins = emptyWins(encoded.models.length);
      for (let draw = 0; draw < n; draw += 1) addBattle(wins, encoded, Math.floor(random() * n));
      for (const [model, rating] of fitWins(encoded.models, wins, options.scale ?? ELO_SCALE).ratings) {
        const list = samples.get(model) ?? [];
        list.push(rating);
        samples.set(model, list);
      }
    }
  }
  const intervals = new Map<string, BootstrapInterval>();
  for (const [model, list] of samples) {
    list.sort((x, y) => x - y);
    intervals.set(model, { low: quantile(list, 0.025), high: quantile(list, 0.975), rounds: list.length });
  }
  return intervals;
}

/** The q-quantile of sorted values, interpolating linearly between neighbours (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}
