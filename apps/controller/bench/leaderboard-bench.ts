/**
 * Time of the leaderboard computation (Bradley–Terry fit + 200 bootstrap rounds) on synthetic
 * votes of growing size: `npx tsx apps/controller/bench/leaderboard-bench.ts`. The controller
 * recomputes it only when a vote was added since the last request.
 */
import { seededRandom } from '@mgm/protocol';
import { bootstrapBradleyTerry, fitBradleyTerry, type PairBattle, type PairOutcome } from '../src/arena/bradley-terry.ts';
const random = seededRandom(1);
function data(k: number, n: number, skew: number): PairBattle[] {
  const strength = Array.from({ length: k }, (_, i) => Math.exp(skew * i));
  const out: PairBattle[] = [];
  for (let t = 0; t < n; t++) {
    const i = Math.floor(random() * k); let j = Math.floor(random() * (k - 1)); if (j >= i) j++;
    const r = random();
    const pa = strength[i]! / (strength[i]! + strength[j]!);
    const o: PairOutcome = r < 0.2 ? 'tie' : r < 0.25 ? 'both-bad' : random() < pa ? 'a' : 'b';
    out.push({ a: `m${i}`, b: `m${j}`, outcome: o });
  }
  return out;
}
for (const [k, n, skew] of [[3, 40, 0.2], [10, 5000, 0.3], [20, 20000, 0.3], [10, 200, 1.5]] as const) {
  const d = data(k, n, skew);
  let t = performance.now();
  const fit = fitBradleyTerry(d);
  const one = performance.now() - t;
  t = performance.now();
  bootstrapBradleyTerry(d, { rounds: 200, seed: 42 });
  console.log(`k=${k} n=${n} skew=${skew}: fit ${one.toFixed(1)} ms (${fit.iterations} it, reg=${fit.regularized}), 200 bootstrap rounds ${(performance.now() - t).toFixed(0)} ms`);
}
