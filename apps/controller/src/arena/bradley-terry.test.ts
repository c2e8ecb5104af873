import { describe, expect, it } from 'vitest';
import { seededRandom } from '@mgm/protocol';
import { bootstrapBradleyTerry, fitBradleyTerry, quantile, type PairBattle, type PairOutcome } from './bradley-terry.ts';

const repeat = (count: number, battle: PairBattle): PairBattle[] => Array.from({ length: count }, () => battle);
const battle = (a: string, b: string, outcome: PairOutcome): PairBattle => ({ a, b, outcome });

describe('fitBradleyTerry', () => {
  it('two models: the rating gap is 400·log10 of the win ratio, ties counting half a win each', () => {
    // x beats y 2 times, y beats x once, 2 ties (one "both bad"): x has 2 + 1 = 3 wins, y 1 + 1 = 2.
    // The MLE of p_x / p_y is 3 / 2, so the gap is 400·log10(1.5) = 70.437 and, centred on 1000,
    // x = 1035.218 and y = 964.782.
    const battles = [
      ...repeat(2, battle('x', 'y', 'a')),
      battle('y', 'x', 'a'),
      battle('x', 'y', 'tie'),
      battle('y', 'x', 'both-bad'),
    ];
    const fit = fitBradleyTerry(battles);
    expect(fit.regularized).toBe(false);
    expect(fit.ratings.get('x')).toBeCloseTo(1035.218, 3);
    expect(fit.ratings.get('y')).toBeCloseTo(964.782, 3);
  });

  it('three models: the hand-checked example', () => {
    // Hand check. Strengths p = (4, 2, 1) for (alpha, beta, gamma) solve the MLE equations
    // W_i = Σ_j n_ij · p_i / (p_i + p_j) when the half-win-counted results are
    //   alpha–beta:  2 : 1 (alpha 1 win + 2 ties = 2, beta 0 wins + 2 ties/2 = 1)
    //   beta–gamma:  2 : 1 (beta 2 wins, gamma 1 win)
    //   alpha–gamma: 4 : 1 (alpha 3 wins + 2 both-bad = 4, gamma 0 wins + 1)
    // alpha: W = 6 = 3·4/6 + 5·4/5 = 2 + 4;  beta: W = 3 = 3·2/6 + 3·2/3 = 1 + 2;
    // gamma: W = 2 = 5·1/5 + 3·1/3 = 1 + 1.  Ratings 400·log10(p) = (240.824, 120.412, 0),
    // centred on 1000 (mean 120.412): alpha 1120.412, beta 1000, gamma 879.588.
    const battles = [
      battle('alpha', 'beta', 'a'),
      battle('beta', 'alpha', 'tie'),
      battle('alpha', 'beta', 'tie'),
      ...repeat(2, battle('beta', 'gamma', 'a')),
      battle('gamma', 'beta', 'a'),
      ...repeat(3, battle('gamma', 'alpha', 'b')),
      battle('alpha', 'gamma', 'both-bad'),
      battle('gamma', 'alpha', 'both-bad'),
    ];
    const fit = fitBradleyTerry(battles);
    expect(fit.regularized).toBe(false);
    expect(fit.ratings.get('alpha')).toBeCloseTo(1120.412, 3);
    expect(fit.ratings.get('beta')).toBeCloseTo(1000, 3);
    expect(fit.ratings.get('gamma')).toBeCloseTo(879.588, 3);
  });

  it('satisfies the likelihood equations on an irregular data set', () => {
    const random = seededRandom(7);
    const models = ['m1', 'm2', 'm3', 'm4', 'm5'];
    const outcomes: PairOutcome[] = ['a', 'b', 'tie', 'both-bad', 'a'];
    const battles: PairBattle[] = [];
    for (let n = 0; n < 300; n += 1) {
      const i = Math.floor(random() * 5);
      const j = (i + 1 + Math.floor(random() * 4)) % 5;
      battles.push(battle(models[i]!, models[j]!, outcomes[Math.floor(random() * outcomes.length)]!));
    }
    const fit = fitBradleyTerry(battles);
    expect(fit.regularized).toBe(false);
    const p = new Map([...fit.ratings].map(([model, rating]) => [model, 10 ** ((rating - 1000) / 400)]));
    for (const model of models) {
      let observed = 0;
      let expected = 0;
      for (const { a, b, outcome } of battles) {
        if (a !== model && b !== model) continue;
        const other = a === model ? b : a;
        const won = outcome === 'tie' || outcome === 'both-bad' ? 0.5 : (outcome === 'a') === (a === model) ? 1 : 0;
        observed += won;
        expected += p.get(model)! / (p.get(model)! + p.get(other)!);
      }
      expect(expected).toBeCloseTo(observed, 6);
    }
    const mean = [...fit.ratings.values()].reduce((s, r) => s + r, 0) / models.length;
    expect(mean).toBeCloseTo(1000, 9);
  });

  it('keeps ratings finite with virtual ties when a model never lost', () => {
    // x won both votes: the MLE is at infinity. With one virtual tie per pair, x has 2.5 wins
    // against 0.5: p_x / p_y = 5 and the gap is 400·log10(5) = 279.588.
    const fit = fitBradleyTerry(repeat(2, battle('x', 'y', 'a')));
    expect(fit.regularized).toBe(true);
    expect(fit.ratings.get('x')! - fit.ratings.get('y')!).toBeCloseTo(279.588, 3);
  });

  it('joins models that never met through the virtual ties', () => {
    const fit = fitBradleyTerry([battle('a1', 'a2', 'tie'), battle('b1', 'b2', 'tie')]);
    expect(fit.regularized).toBe(true);
    for (const rating of fit.ratings.values()) expect(rating).toBeCloseTo(1000, 6);
  });

  it('refuses a model against itself', () => {
    expect(() => fitBradleyTerry([battle('x', 'x', 'a')])).toThrow(/against itself/);
  });

  it('rates nothing without battles', () => {
    expect(fitBradleyTerry([]).ratings.size).toBe(0);
  });
});

describe('bootstrapBradleyTerry', () => {
  const battles = [
    ...repeat(30, battle('strong', 'weak', 'a')),
    ...repeat(10, battle('strong', 'weak', 'b')),
    ...repeat(5, battle('weak', 'strong', 'tie')),
  ];

  it('is reproducible with a seed and brackets the estimate', () => {
    const first = bootstrapBradleyTerry(battles, { rounds: 200, seed: 42 });
    const second = bootstrapBradleyTerry(battles, { rounds: 200, seed: 42 });
    expect([...first]).toEqual([...second]);
    const fit = fitBradleyTerry(battles);
    for (const model of ['strong', 'weak']) {
      const interval = first.get(model)!;
      expect(interval.rounds).toBe(200);
      expect(interval.low).toBeLessThan(fit.ratings.get(model)!);
      expect(interval.high).toBeGreaterThan(fit.ratings.get(model)!);
    }
    expect(first.get('strong')!.low).toBeGreaterThan(first.get('weak')!.high);
  });

  it('narrows with more votes', () => {
    const width = (list: PairBattle[]) => {
      const interval = bootstrapBradleyTerry(list, { rounds: 200, seed: 1 }).get('strong')!;
      return interval.high - interval.low;
    };
    expect(width([...battles, ...battles, ...battles, ...battles])).toBeLessThan(width(battles));
  });

  it('is empty without battles', () => {
    expect(bootstrapBradleyTerry([], { rounds: 10, seed: 1 }).size).toBe(0);
  });
});

describe('quantile', () => {
  it('interpolates linearly as numpy does', () => {
    // numpy.quantile([1, 2, 3, 4], 0.025) = 1 + 0.075 = 1.075; 0.975 -> 3.925.
    expect(quantile([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
    expect(quantile([1, 2, 3, 4], 0.975)).toBeCloseTo(3.925, 12);
    expect(quantile([5], 0.5)).toBe(5);
  });
});
