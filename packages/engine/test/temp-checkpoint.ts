import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FIXTURES } from './fixture-checkpoint.ts';

/** A scratch copy of a fixture checkpoint whose manifest a test may edit. */
export async function tempCheckpoint(
  name: 'micro-mgm' | 'micro-hd',
  edit?: (manifest: Record<string, any>) => void,
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mgm-engine-'));
  await cp(path.join(FIXTURES, name), dir, { recursive: true });
  if (edit) {
    const file = path.join(dir, 'mgm.json');
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    edit(manifest);
    await writeFile(file, JSON.stringify(manifest));
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
