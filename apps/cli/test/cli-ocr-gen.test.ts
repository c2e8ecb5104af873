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

describe('mgm eval --ocr / --types', () => {
  it('asks only the questions of the given types, each with its image\'s OCR text', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mgm-cli-eval-ocr-'));
    try {
      const answers = path.join(dir, 'answers.jsonl');
      const r = await run(['eval', '--model', TINY, '--types', 'text', '--limit', '2', '--ocr', '--max-new-tokens', '4', '--answers', answers, '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out.trim().split('\n').at(-1) as string)).toMatchObject({ ocr: true, n: 2, by_type: { text: { n: 2 } } });
      const rows = (await readFile(answers, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string; reference: string; ocr: string | null });
      // models/eval/test.jsonl's first text questions: 0000-1 (641) and 0001-2 (121).
      expect(rows.map((row) => [row.type, row.ocr])).toEqual([
        ['text', '641'],
        ['text', '121'],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses --ocr with --controller, and a type no question has', async () => {
    const r1 = await run(['eval', '--controller', 'http://127.0.0.1:9', '--models', 'mgm-tiny', '--ocr'], { MGM_ADMIN_TOKEN: 'x'.repeat(20) });
    expect(r1.code).toBe(2);
    expect(r1.err).toContain('in-process options');
    const r2 = await run(['eval', '--model', TINY, '--types', 'nosuch']);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain('no question of type nosuch');
  });
});
