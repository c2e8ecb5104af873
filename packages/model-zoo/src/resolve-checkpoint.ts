import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MgmError } from '@mgm/protocol';
import { ZOO } from './zoo.ts';
import { findZooEntry } from './zoo.ts';
import type { ZooEntry } from './zoo-entry.ts';

/** The repository's own models/ folder, where the tiny checkpoints ship. */
export const SHIPPED_MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models');

/** The environment variable that names the folder of exported checkpoints. */
export const MODELS_DIR_ENV = 'MGM_MODELS_DIR';

export interface ResolveOptions {
  /** Folder of exported checkpoints (`<modelsDir>/<entry.folder>/mgm.json`); default: MGM_MODELS_DIR, else models/. */
  modelsDir?: string;
  /** Base of relative paths; default process.cwd(). */
  cwd?: string;
  zoo?: readonly ZooEntry[];
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedCheckpoint {
  /** The checkpoint folder (absolute). */
  dir: string;
  /** The zoo entry when the argument was a zoo name, or when the folder holds a zoo checkpoint. */
  entry: ZooEntry | null;
  /** How the argument was read. */
  via: 'path' | 'zoo';
}

export function modelsDirFrom(opts: ResolveOptions = {}): string {
  const env = opts.env ?? process.env;
  const dir = opts.modelsDir ?? env[MODELS_DIR_ENV];
  return dir && dir.trim() !== '' ? path.resolve(opts.cwd ?? process.cwd(), dir) : SHIPPED_MODELS_DIR;
}

function hasManifest(dir: string): boolean {
  return existsSync(path.join(dir, 'mgm.json'));
}

/** Where a zoo entry's checkpoint lives, or would live once exported: first match wins. */
export function candidateDirs(entry: ZooEntry, opts: ResolveOptions = {}): string[] {
  const dirs = [path.join(modelsDirFrom(opts), entry.folder)];
  if (entry.kind === 'tiny') dirs.push(path.join(SHIPPED_MODELS_DIR, entry.folder));
  return [...new Set(dirs)];
}

/**
 * Resolves what a user gave as `--model`: an existing folder (or its mgm.json) is used as is;
 * otherwise a zoo name (`MGM-7B-HD`, `mgm-tiny`, `YanweiLi/MGM-7B-HD`) resolves to its folder
 * under the models directory. Fails with MODEL_NOT_FOUND for an unknown name and with
 * CHECKPOINT_FILE_MISSING, saying how to export it, for a zoo checkpoint not exported yet.
 */
export function resolveCheckpoint(model: string, opts: ResolveOptions = {}): ResolvedCheckpoint {
  const zoo = opts.zoo ?? ZOO;
  const asPath = path.resolve(opts.cwd ?? process.cwd(), model);
  if (model.trim() === '') throw new MgmError('BAD_REQUEST', 'no model given: a checkpoint folder or a zoo name such as mgm-tiny');
  if (existsSync(asPath)) {
    const dir = statSync(asPath).isDirectory() ? asPath : path.dirname(asPath);
    return { dir, entry: findZooEntry(path.basename(dir), zoo) ?? null, via: 'path' };
  }
  const entry = findZooEntry(model, zoo);
  if (!entry) {
    const looksLikePath = model.startsWith('.') || model.startsWith('/') || model.includes(path.sep);
    if (looksLikePath) {
      throw new MgmError('CHECKPOINT_FILE_MISSING', `no checkpoint at ${asPath}`, { details: { path: asPath } });
    }
    throw new MgmError(
      'MODEL_NOT_FOUND',
      `"${model}" is neither a checkpoint folder nor a zoo name (zoo: ${zoo.map((e) => e.name).join(', ')})`,
      { details: { model } },
    );
  }
  const dirs = candidateDirs(entry, opts);
  const found = dirs.find(hasManifest);
  if (found) return { dir: found, entry, via: 'zoo' };
  const where = dirs[0] as string;
  const how =
    entry.kind === 'released'
      ? `export it on a GPU host with tools/export-mgm (python3 -m export_mgm --model-path ${entry.weights} --out ${entry.folder}; ` +
        `see tools/export-mgm/README.md) and copy the folder to ${where}, or point ${MODELS_DIR_ENV} at the folder that holds it`
      : `it ships in ${path.join(SHIPPED_MODELS_DIR, entry.folder)}: restore that folder from the repository`;
  throw new MgmError('CHECKPOINT_FILE_MISSING', `${entry.name} is not downloaded/exported here: ${where}/mgm.json does not exist; ${how}`, {
    details: { model: entry.name, expected: where },
  });
}
