import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const run = (argv: string[]) => runCli(argv);

describe('mgm --dtype, --load-8bit / --load-4bit and zoo names', () => {
  let empty: string;
  beforeAll(async () => {
    empty = await mkdtemp(path.join(tmpdir(), 'mgm-cli-zoo-'));
  });
  afterAll(() => rm(empty, { recursive: true, force: true }));

  it.each([
    ['--load-4bit', 'q4'],
    ['--load-8bit', 'q8'],
  ])('ask --model mgm-tiny %s resolves the shipped checkpoint and loads its %s graphs', async (flag, dtype) => {
    const r = await run(['ask', '--model', 'mgm-tiny', flag, '--json', '--temperature', '0', '--max-new-tokens', '4', '--threads', '1', 'hi']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ model: 'mgm-tiny', dtype });
  });

  it.each([
    [['--load-8bit', '--load-4bit'], /--load-8bit and --load-4bit exclude each other/],
    [['--load-4bit', '--dtype', 'fp32'], /--load-4bit means --dtype q4, but --dtype fp32 was given/],
  ])('conflicting flags %j: exit 2', async (flags, message) => {
    const r = await run(['ask', '--model', 'mgm-tiny', ...flags, 'hi']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('a released zoo name that is not exported says where it is expected and how to export it', async () => {
    const r = await run(['ask', '--model', 'MGM-7B-HD', '--models-dir', empty, 'hi']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`mgm: MGM-7B-HD is not downloaded/exported here: ${path.join(empty, 'MGM-7B-HD')}/mgm.json does not exist`);
    expect(r.err).toContain('tools/export-mgm');
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('an unknown name is an error that lists the zoo', async () => {
    const r = await run(['ask', '--model', 'MGM-70B', 'hi']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mgm: "MGM-70B" is neither a checkpoint folder nor a zoo name \(zoo: mgm-tiny, .*MGM-34B-HD\)/);
  });

  it('a dtype the checkpoint does not ship is an error that lists what it ships', async () => {
    const r = await run(['ask', '--model', 'mgm-tiny', '--dtype', 'fp16', 'hi']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/mgm-tiny has no fp16 graphs \(it ships: fp32, q8, q4\)/);
  });

  it('mgm zoo lists every checkpoint with what is here', async () => {
    const json = await run(['zoo', '--json', '--models-dir', empty]);
    expect(json.code).toBe(0);
    const zoo = JSON.parse(json.out) as { name: string; available: boolean; benchmarks: { textvqa: number | null } | null }[];
    expect(zoo).toHaveLength(14);
    expect(zoo.find((e) => e.name === 'mgm-tiny')?.available).toBe(true);
    expect(zoo.find((e) => e.name === 'MGM-7B-HD')).toMatchObject({ available: false, benchmarks: { textvqa: 68.4 } });
    const table = await run(['zoo', '--models-dir', empty]);
    expect(table.out.split('\n')[0]).toMatch(/^name\s+LLM\s+template\s+LR\/HR\s+TextVQA\s+MMB\s+checkpoint$/);
    expect(table.out).toMatch(/MGM-34B-HD\s+Nous-Hermes-2-Yi-34B\s+chatml_direct\s+672\/1536\s+74\.1\s+80\.6\s+not here/);
    expect((await run(['zoo', 'extra'])).code).toBe(2);
  });
});
