import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractImagePrompt } from '@mgm/imagegen';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TINY = path.join(ROOT, 'models/mgm-tiny');
const IMAGES = path.join(ROOT, 'models/eval/images');

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  return runCli(argv, { env });
}

describe('mgm ask --ocr / --gen on mgm-tiny', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mgm-cli-gen-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--ocr reads the code of a test image and reports it with --json', async () => {
    const r = await run(['ask', '--model', TINY, '--image', path.join(IMAGES, 'test-0000.png'), '--ocr', '--json', '--max-new-tokens', '2', 'What number is printed in the picture?']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ocrText: '641' });
  });

  it('--gen writes the picture of the <h>…</h> prompt, or says there is none', async () => {
    const out = path.join(dir, 'gen.png');
    const r = await run(['ask', '--model', TINY, '--image', path.join(IMAGES, 'test-0005.png'), '--gen', '--gen-out', out, '--temperature', '0', '--max-new-tokens', '64', '--json', 'Draw a picture like this one.']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { text: string; image: { status: string; prompt: string | null; file: string | null } };
    expect(json.image.prompt).toBe(extractImagePrompt(json.text));
    if (json.image.status === 'ok') {
      expect(json.image.file).toBe(out);
      expect((await readFile(out)).subarray(1, 4).toString('latin1')).toBe('PNG');
    } else {
      expect(json.image.file).toBeNull();
    }
  });

  it('refuses --ocr without an image and a bad IMAGE_BACKEND before loading the model', async () => {
    const r1 = await run(['ask', '--model', TINY, '--ocr', 'hi']);
    expect(r1.code).toBe(2);
    expect(r1.err).toContain('--ocr');
    const r2 = await run(['ask', '--model', TINY, '--gen', 'hi'], { IMAGE_BACKEND: 'openai' });
    expect(r2.code).toBe(2);
    expect(r2.err).toContain('IMAGE_BACKEND_URL');
  });
});
