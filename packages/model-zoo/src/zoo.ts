import { MgmError } from '@mgm/protocol';
import { RELEASED_CHECKPOINTS } from './released-checkpoints.ts';
import { TINY_CHECKPOINTS } from './tiny-checkpoints.ts';
import type { ZooEntry } from './zoo-entry.ts';

/** Every checkpoint the zoo knows: the shipped tiny ones first, then the released ones. */
export const ZOO: readonly ZooEntry[] = [...TINY_CHECKPOINTS, ...RELEASED_CHECKPOINTS];

function key(s: string): string {
  return s.trim().toLowerCase();
}

/** The entry for a zoo name (case-insensitive) or a Hugging Face repo id (`YanweiLi/MGM-7B-HD`). */
export function findZooEntry(name: string, zoo: readonly ZooEntry[] = ZOO): ZooEntry | undefined {
  const k = key(name);
  return zoo.find((e) => key(e.name) === k || (e.weights !== null && key(e.weights) === k));
}

export function getZooEntry(name: string, zoo: readonly ZooEntry[] = ZOO): ZooEntry {
  const entry = findZooEntry(name, zoo);
  if (!entry) {
    throw new MgmError('MODEL_NOT_FOUND', `"${name}" is not in the model zoo (known: ${zoo.map((e) => e.name).join(', ')})`, {
      details: { name },
    });
  }
  return entry;
}
