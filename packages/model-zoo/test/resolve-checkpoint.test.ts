import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isMgmError } from '@mgm/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SHIPPED_MODELS_DIR, listZoo, modelsDirFrom, resolveCheckpoint } from '../src/index.ts';

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'mgm-zoo-'));
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isMgmError(err)) return `${err.code}: ${err.message}`;
    throw err;
  }
  throw new Error('expected an error');
}

describe('resolveCheckpoint', () => {
  it('uses an existing folder as it is, and knows a zoo folder by its name', () => {
    const r = resolveCheckpoint(path.join(SHIPPED_MODELS_DIR, 'mgm-tiny'), { env: {} });
    expect(r).toMatchObject({ dir: path.join(SHIPPED_MODELS_DIR, 'mgm-tiny'), via: 'path' });
    expect(r.entry?.name).toBe('mgm-tiny');
    const viaManifest = resolveCheckpoint(path.join(SHIPPED_MODELS_DIR, 'llava-tiny', 'mgm.json'), { env: {} });
    expect(viaManifest.dir).toBe(path.join(SHIPPED_MODELS_DIR, 'llava-tiny'));
  });

  it('resolves a tiny zoo name to the shipped folder even when MGM_MODELS_DIR points elsewhere', () => {
    const r = resolveCheckpoint('MGM-Tiny-HD', { env: { MGM_MODELS_DIR: scratch }, cwd: scratch });
    expect(r).toMatchObject({ dir: path.join(SHIPPED_MODELS_DIR, 'mgm-tiny-hd'), via: 'zoo' });
    expect(existsSync(path.join(r.dir, 'mgm.json'))).toBe(true);
  });

  it('says how to export a released checkpoint that is not here', () => {
    const msg = codeOf(() => resolveCheckpoint('MGM-7B-HD', { modelsDir: scratch, cwd: scratch }));
    expect(msg).toMatch(/^CHECKPOINT_FILE_MISSING: MGM-7B-HD is not downloaded\/exported here/);
    expect(msg).toContain(path.join(scratch, 'MGM-7B-HD'));
    expect(msg).toContain('tools/export-mgm');
    expect(msg).toContain('YanweiLi/MGM-7B-HD');
    expect(msg).toContain('MGM_MODELS_DIR');
  });

  it('finds an exported released checkpoint under MGM_MODELS_DIR, by name or Hugging Face id', async () => {
    await mkdir(path.join(scratch, 'MGM-7B-HD'));
    await writeFile(path.join(scratch, 'MGM-7B-HD', 'mgm.json'), '{}');
    const env = { MGM_MODELS_DIR: scratch };
    expect(resolveCheckpoint('mgm-7b-hd', { env, cwd: '/' })).toMatchObject({ dir: path.join(scratch, 'MGM-7B-HD'), via: 'zoo' });
    expect(resolveCheckpoint('YanweiLi/MGM-7B-HD', { env, cwd: '/' }).dir).toBe(path.join(scratch, 'MGM-7B-HD'));
    const listed = listZoo({ env });
    expect(listed.find((e) => e.name === 'MGM-7B-HD')).toMatchObject({ available: true, dir: path.join(scratch, 'MGM-7B-HD') });
    expect(listed.find((e) => e.name === 'MGM-34B')).toMatchObject({ available: false, dir: null });
    expect(listed.find((e) => e.name === 'mgm-tiny')?.available).toBe(true);
  });

  it('rejects unknown names and missing paths with different codes', () => {
    expect(codeOf(() => resolveCheckpoint('MGM-70B', { env: {}, cwd: scratch }))).toMatch(/^MODEL_NOT_FOUND: "MGM-70B" is neither a checkpoint folder nor a zoo name/);
    expect(codeOf(() => resolveCheckpoint('./nowhere', { env: {}, cwd: scratch }))).toMatch(/^CHECKPOINT_FILE_MISSING: no checkpoint at /);
    expect(codeOf(() => resolveCheckpoint(' ', { env: {} }))).toMatch(/^BAD_REQUEST/);
  });

  it('reads the models directory from the option, then MGM_MODELS_DIR, then models/', () => {
    expect(modelsDirFrom({ modelsDir: 'x', cwd: '/a' })).toBe('/a/x');
    expect(modelsDirFrom({ env: { MGM_MODELS_DIR: '/data/models' } })).toBe('/data/models');
    expect(modelsDirFrom({ env: {} })).toBe(SHIPPED_MODELS_DIR);
  });
});
