import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleVote } from '../../test/sample-votes.ts';
import { VoteStore } from './vote-store.ts';

const logger = pino({ level: 'silent' });

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mgm-votes-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('VoteStore', () => {
  it('appends one JSON line per vote and reads them back after a restart', async () => {
    const store = await VoteStore.open(dir, logger);
    const first = await store.append(sampleVote());
    const second = await store.append(sampleVote({ choice: { type: 'tie' } }));
    expect(first.id).not.toBe(second.id);
    expect((await store.list()).map((vote) => vote.id)).toEqual([first.id, second.id]);

    const lines = (await readFile(path.join(dir, 'votes.jsonl'), 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual(first);

    const reopened = await VoteStore.open(dir, logger);
    expect(await reopened.list()).toEqual([first, second]);
  });

  it('never interleaves concurrent appends', async () => {
    const store = await VoteStore.open(dir, logger);
    const written = await Promise.all(Array.from({ length: 25 }, (_, i) => store.append(sampleVote({ turns: i + 1 }))));
    const reopened = await VoteStore.open(dir, logger);
    expect((await reopened.list()).map((vote) => vote.turns)).toEqual(written.map((vote) => vote.turns));
  });

  it('skips a line torn by a crash and starts the next vote on a fresh line', async () => {
    const store = await VoteStore.open(dir, logger);
    const kept = await store.append(sampleVote());
    await appendFile(path.join(dir, 'votes.jsonl'), '{"id":"torn","recordedAt":17', 'utf8');

    const restarted = await VoteStore.open(dir, logger);
    expect(await restarted.list()).toEqual([kept]);
    const next = await restarted.append(sampleVote({ choice: { type: 'all-bad' } }));
    expect(await restarted.list()).toEqual([kept, next]);
    expect(await (await VoteStore.open(dir, logger)).list()).toEqual([kept, next]);
  });

  it('sees votes another controller appended to the same file', async () => {
    const one = await VoteStore.open(dir, logger);
    const two = await VoteStore.open(dir, logger);
    const a = await one.append(sampleVote());
    const b = await two.append(sampleVote({ choice: { type: 'pane', pane: 1 } }));
    expect(await one.list()).toEqual([a, b]);
    expect(await two.list()).toEqual([a, b]);
  });

  it('reloads a file that was replaced by a smaller backup', async () => {
    const store = await VoteStore.open(dir, logger);
    const a = await store.append(sampleVote());
    await store.append(sampleVote());
    await writeFile(path.join(dir, 'votes.jsonl'), `${JSON.stringify(a)}\n`, 'utf8');
    expect(await store.list()).toEqual([a]);
  });

  it('exports valid records as JSONL, optionally one mode only', async () => {
    const store = await VoteStore.open(dir, logger);
    const arena = await store.append(sampleVote());
    const compare = await store.append(sampleVote({ mode: 'compare', battleId: null, blind: false, counted: false, notCountedReason: 'the names were shown' }));
    expect(await store.exportJsonl()).toBe(`${JSON.stringify(arena)}\n${JSON.stringify(compare)}\n`);
    expect(await store.exportJsonl('compare')).toBe(`${JSON.stringify(compare)}\n`);
  });

  it('refuses a vote whose chosen pane does not exist', async () => {
    const store = await VoteStore.open(dir, logger);
    expect(() => store.append(sampleVote({ choice: { type: 'pane', pane: 3 } }))).toThrow(/chosen pane/);
  });

  it('starts empty in a new data directory', async () => {
    const store = await VoteStore.open(path.join(dir, 'nested', 'data'), logger);
    expect(await store.list()).toEqual([]);
    expect(await store.exportJsonl()).toBe('');
  });
});
