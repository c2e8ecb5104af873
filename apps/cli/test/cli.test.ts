import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const FIX = path.join(ROOT, 'packages/engine/test/fixtures');
const MODEL = path.join(FIX, 'micro-mgm');
const PNG = path.join(FIX, 'shapes.png');

function run(argv: string[], stdinLines?: string[]) {
  return runCli(argv, { stdinLines });
}

describe('mgm ask', () => {
  it('streams an answer to stdout and exits 0', async () => {
    const r = await run(['ask', '--model', MODEL, '--image', PNG, '--max-new-tokens', '6', '--temperature', '0', 'What is this?']);
    expect(r.code).toBe(0);
    expect(r.out.endsWith('\n')).toBe(true);
    expect(r.out.trim().length).toBeGreaterThan(0);
  });

  it('--json prints one JSON line with the result', async () => {
    const r = await run(['ask', '--model', MODEL, '--json', '--seed', '1', '--max-new-tokens', '4', 'hi']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0] as string);
    expect(j).toMatchObject({ model: 'micro-mgm', finishReason: 'length', tokens: { visual: 0, generated: 4 } });
  });

  it.each([
    [['ask', '--model', MODEL, '--bogus', 'q'], /Unknown option '--bogus'/],
    [['ask', '--model', MODEL, '--top-p', 'abc', 'q'], /--top-p must be a number/],
    [['ask', '--model', MODEL, '--temperature', '3', 'q'], /--temperature/],
    [['ask', '--model', MODEL, '--image-mode', 'zoom', 'q'], /--image-mode must be one of/],
    [['ask', '--model', MODEL, '--dtype', 'int3', 'q'], /--dtype must be one of/],
    [['ask', '--model', MODEL, '--image', '/no/such.png', 'q'], /cannot read image \/no\/such.png: no such file/],
    [['ask', '--model', MODEL, '--image', path.join(MODEL, 'mgm.json'), 'q'], /not an image/],
    [['ask', '--model', '/no/ckpt', 'q'], /no checkpoint at \/no\/ckpt/],
    [['ask', '--model', MODEL], /ask needs a question/],
    [['ask', 'q'], /--model is required/],
    [['ask', '--model', MODEL, '--device', 'tpu', 'q'], /unknown device "tpu"/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('bad input %j: one line on stderr, exit 2', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('mgm chat', () => {
  it('keeps a multi-turn conversation and resets it on /image', async () => {
    const r = await run(['chat', '--model', MODEL, '--max-new-tokens', '3', '--temperature', '0'], [
      'first question',
      'second question',
      `/image ${PNG}`,
      'about the image',
      '/image /no/file.png',
      '/what',
      '/exit',
      'never asked',
    ]);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(3);
    expect(r.err).toContain('image 40x28 loaded; new conversation');
    expect(r.err).toContain('cannot read image /no/file.png');
    expect(r.err).toContain('unknown command /what');
  });
});

describe('mgm eval', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mgm-cli-eval-'));
    await cp(PNG, path.join(dir, 'a.png'));
    const records = [
      { id: '1', image: 'a.png', question: 'What shape?', answer: 'square', type: 'shape', history: [] },
      { id: '2', image: 'a.png', question: 'Colour?', answer: 'red', type: 'colour', history: [{ question: 'How many?', answer: '1' }] },
      { id: '3', image: 'a.png', question: 'Describe it.', answer: 'One shape: a red square', type: 'description', history: [] },
    ];
    await writeFile(path.join(dir, 'test.jsonl'), `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('--json prints {model, n, overall, by_type} as its last line', async () => {
    const r = await run(['eval', '--model', MODEL, '--set', dir, '--json', '--max-new-tokens', '4']);
    expect(r.code).toBe(0);
    const last = JSON.parse(r.out.trim().split('\n').at(-1) as string);
    expect(last.model).toBe('micro-mgm');
    expect(last.n).toBe(3);
    expect(Object.keys(last.by_type)).toEqual(['colour', 'description', 'shape']);
    expect(last.by_type.description.metric).toBe('f1');
    expect(last.overall).toBeGreaterThanOrEqual(0);
  });

  it('--limit and a human table', async () => {
    const r = await run(['eval', '--model', MODEL, '--set', path.join(dir, 'test.jsonl'), '--limit', '1', '--max-new-tokens', '2']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('micro-mgm: 1 questions');
    expect(r.out).toContain('overall');
  });

  it('a bad test set is a one-line error, exit 2', async () => {
    await writeFile(path.join(dir, 'bad.jsonl'), '{"id":"1","image":"a.png"}\n');
    const r = await run(['eval', '--model', MODEL, '--set', path.join(dir, 'bad.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad.jsonl:1: question/);
  });
});

describe('the mgm bin', () => {
  it('runs as `npx mgm` from the repo root', async () => {
    const exec = promisify(execFile);
    const ok = await exec('npx', ['--no-install', 'mgm', 'ask', '--model', MODEL, '--max-new-tokens', '2', 'hello'], { cwd: ROOT });
    expect(ok.stdout.endsWith('\n')).toBe(true);
    const bad = await exec('npx', ['--no-install', 'mgm', 'ask', '--nope'], { cwd: ROOT }).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^mgm: Unknown option '--nope'/);
  });
});
