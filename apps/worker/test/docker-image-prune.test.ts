import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCRIPT = path.join(ROOT, 'docker/prune-foreign-binaries.sh');
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A node_modules with onnxruntime-node's per-platform binary folders (one file each). */
function fakeInstall(platforms: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'prune-binaries-'));
  dirs.push(dir);
  for (const platform of platforms) {
    const folder = path.join(dir, 'node_modules/onnxruntime-node/bin/napi-v6', platform);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'libonnxruntime.so.1'), 'binary');
  }
  return dir;
}

function left(dir: string): string[] {
  const bin = path.join(dir, 'node_modules/onnxruntime-node/bin/napi-v6');
  return readdirSync(bin).flatMap((os) => readdirSync(path.join(bin, os)).map((arch) => `${os}/${arch}`));
}

describe("the image's pruning of native binaries", () => {
  const here = `${process.platform}/${process.arch}`;

  it("keeps onnxruntime-node's binary for the platform the image runs on, and only that one", async () => {
    const dir = fakeInstall(['darwin/arm64', 'linux/arm64', 'linux/x64', 'win32/arm64', 'win32/x64']);
    await promisify(execFile)('sh', [SCRIPT], { cwd: dir });
    expect(left(dir)).toEqual([here]);
  });

  it('fails, and removes nothing it needs, when there is no binary for this platform', async () => {
    const dir = fakeInstall(['aix/ppc64']);
    await expect(promisify(execFile)('sh', [SCRIPT], { cwd: dir })).rejects.toThrow(`no binary for ${here}`);
  });

  it('runs in the build stage after the devDependencies are pruned', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'docker/Dockerfile'), 'utf8');
    const prune = dockerfile.indexOf('npm prune --omit=dev');
    expect(prune).toBeGreaterThan(0);
    expect(dockerfile.indexOf('sh docker/prune-foreign-binaries.sh')).toBeGreaterThan(prune);
  });
});
