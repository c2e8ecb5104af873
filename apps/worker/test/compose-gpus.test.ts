import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const COMPOSE = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((p) => existsSync(p));

describe('docker-compose GPU-pinned workers', () => {
  it.skipIf(!COMPOSE)('worker-gpu0..3 each reserve their own GPU and run cuda:0 inside it', async () => {
    const { stdout } = await promisify(execFile)(COMPOSE as string, ['-f', path.join(ROOT, 'docker-compose.yml'), '--profile', 'gpus', 'config'], {
      cwd: ROOT,
      env: { ...process.env, MGM_GPU_MODEL: 'MGM-7B-HD', MGM_GPU_DTYPE: 'q4' },
    });
    for (let n = 0; n < 4; n++) {
      const start = stdout.indexOf(`\n  worker-gpu${n}:\n`);
      expect(start, `worker-gpu${n} missing`).toBeGreaterThan(0);
      const next = stdout.slice(start + 3).search(/\n {2}\S/);
      const block = stdout.slice(start, next < 0 ? undefined : start + 3 + next);
      expect(block).toMatch(new RegExp(`device_ids:\\n\\s+- '${n}'`));
      expect(block).toMatch(/- --device\n\s+- cuda:0/);
      expect(block).toContain('MGM_MODEL: MGM-7B-HD');
      expect(block).toContain('MGM_DTYPE: q4');
      expect(block).toContain('MGM_MODELS_DIR: /models');
    }
  });
});
