import { MgmError, modelIdSchema, type ModelSummary } from '@mgm/protocol';

/** Sampling weight per model id; a model not listed weighs 1, weight 0 keeps it out of the arena. */
export type ArenaWeights = Readonly<Record<string, number>>;

/** Parses ARENA_WEIGHTS, e.g. "mgm-tiny=2, llava-tiny=0.5, mgm-tiny-hd=0". */
export function parseArenaWeights(text: string | undefined): ArenaWeights {
  const weights: Record<string, number> = {};
  for (const part of (text ?? '').split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const match = /^([^=\s]+)\s*=\s*([0-9]*\.?[0-9]+)$/.exec(item);
    if (!match || !modelIdSchema.safeParse(match[1]).success) {
      throw new MgmError('BAD_REQUEST', `ARENA_WEIGHTS: "${item}" is not model=weight (e.g. "mgm-tiny=2,llava-tiny=0.5")`);
    }
    weights[match[1]!] = Number(match[2]);
  }
  return weights;
}

export interface ArenaCandidate {
  id: string;
  displayName: string;
  weight: number;
}

/** Live models that can take a battle now: a ready worker, a positive weight, and images if one is attached. */
export function arenaCandidates(models: readonly ModelSummary[], weights: ArenaWeights, withImage: boolean): ArenaCandidate[] {
  return models
    .filter((model) => model.ready > 0 && (!withImage || model.capabilities.includes('image')))
    .map((model) => ({ id: model.id, displayName: model.displayName, weight: weights[model.id] ?? 1 }))
    .filter((candidate) => candidate.weight > 0);
}

/**
 * Two different models drawn by weight without replacement, then put on random sides (the first
 * draw favours heavy models; the coin flip keeps side A from being the heavy one more often).
 */
export function drawPair(candidates: readonly ArenaCandidate[], random: () => number): [ArenaCandidate, ArenaCandidate] {
  if (candidates.length < 2) {
    throw new MgmError(
      'NO_WORKER',
      candidates.length === 0
        ? 'the arena needs two models with a ready worker, and none is being served right now'
        : 'the arena needs two models with a ready worker, and only one is being served right now',
    );
  }
  const first = pick(candidates, random);
  const second = pick(candidates.filter((candidate) => candidate !== first), random);
  return random() < 0.5 ? [first, second] : [second, first];
}

function pick(candidates: readonly ArenaCandidate[], random: () => number): ArenaCandidate {
  const total = candidates.reduce((sum, candidate) => sum + candidate.weight, 0);
  let point = random() * total;
  for (const candidate of candidates) {
    point -= candidate.weight;
    if (point < 0) return candidate;
  }
  return candidates.at(-1)!;
}
