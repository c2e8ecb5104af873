import { existsSync } from 'node:fs';
import path from 'node:path';
import { type ResolveOptions, candidateDirs } from './resolve-checkpoint.ts';
import { ZOO } from './zoo.ts';
import type { ZooEntry } from './zoo-entry.ts';

export interface ZooListing extends ZooEntry {
  /** The folder that holds the exported checkpoint, or null when it is not here. */
  dir: string | null;
  available: boolean;
}

/** The zoo with each entry's availability under the models directory (for the UI and `mgm zoo`). */
export function listZoo(opts: ResolveOptions = {}): ZooListing[] {
  return (opts.zoo ?? ZOO).map((entry) => {
    const dir = candidateDirs(entry, opts).find((d) => existsSync(path.join(d, 'mgm.json'))) ?? null;
    return { ...entry, dir, available: dir !== null };
  });
}
