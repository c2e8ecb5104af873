import { describe, expect, it } from 'vitest';
import { failedJobState, initialJobState, type JobState } from '../job-state.ts';
import {
  choiceOptions,
  compareReducer,
  emptyCompareSession,
  groupByMessages,
  isCompareBusy,
  lastTurnVotability,
  messagesForPane,
  type CompareSession,
  type CompareTurn,
} from './compare-state.ts';

const panes = [
  { id: 'p1', model: 'mgm-tiny' },
  { id: 'p2', model: 'mgm-tiny-hd' },
  { id: 'p3', model: 'llava-tiny' },
];
const job = (jobId: string, status: JobState['status'], text = ''): JobState => ({
  ...initialJobState({ jobId, requestId: 'r', model: 'm' }, 0),
  status,
  text,
});
const turn = (id: string, question: string, jobs: Record<string, string | null>): CompareTurn => ({ id, question, jobs, vote: null });

describe('compareReducer', () => {
  it('fixes the models once the first question is asked', () => {
    const started = compareReducer({ ...emptyCompareSession, panes }, { type: 'addTurn', turn: turn('t1', 'q', {}) });
    expect(compareReducer(started, { type: 'setPanes', panes: panes.slice(0, 2) }).panes).toHaveLength(3);
    expect(compareReducer({ ...emptyCompareSession, panes }, { type: 'setPanes', panes: panes.slice(0, 2) }).panes).toHaveLength(2);
  });

  it('starts a new comparison with a new image and clears a stale vote when an answer is regenerated', () => {
    let session: CompareSession = { panes, image: null, turns: [turn('t1', 'q', { p1: 'j1', p2: 'j2', p3: 'j3' })] };
    session = compareReducer(session, { type: 'setVote', turnId: 't1', vote: { status: 'recorded', choice: { type: 'tie' }, id: 'v1' } });
    expect(session.turns[0]!.vote?.status).toBe('recorded');
    session = compareReducer(session, { type: 'setJob', turnId: 't1', paneId: 'p2', jobId: null });
    expect(session.turns[0]!.vote).toBeNull();
    expect(session.turns[0]!.jobs).toEqual({ p1: 'j1', p2: null, p3: 'j3' });
    const image = { imageId: 'a'.repeat(64), width: 1, height: 1, previewUrl: 'blob:x', name: 'x.png' };
    expect(compareReducer(session, { type: 'attachImage', image }).turns).toEqual([]);
  });
});

describe('messagesForPane', () => {
  it('gives each pane its own history, leaving out turns it has no answer for', () => {
    const session: CompareSession = {
      panes,
      image: null,
      turns: [turn('t1', 'first?', { p1: 'a1', p2: 'b1', p3: 'c1' }), turn('t2', 'second?', { p1: 'a2', p2: 'b2', p3: 'c2' }), turn('t3', 'third?', {})],
    };
    const jobs = {
      a1: job('a1', 'done', 'A one'),
      b1: job('b1', 'done', 'B one'),
      c1: failedJobState({ jobId: 'c1', requestId: 'r', model: 'm' }, { code: 'WORKER_FAILED', message: 'x' }, 0),
      a2: job('a2', 'stopped', 'A tw'),
      b2: job('b2', 'done', 'B two'),
      c2: job('c2', 'done', 'C two'),
    };
    expect(messagesForPane(session, 'p1', 2, jobs)).toEqual([
      { role: 'user', content: 'first?' },
      { role: 'assistant', content: 'A one' },
      { role: 'user', content: 'second?' },
      { role: 'assistant', content: 'A tw' },
      { role: 'user', content: 'third?' },
    ]);
    expect(messagesForPane(session, 'p3', 2, jobs)).toEqual([
      { role: 'user', content: 'second?' },
      { role: 'assistant', content: 'C two' },
      { role: 'user', content: 'third?' },
    ]);
    expect(messagesForPane(session, 'p2', 0, jobs)).toEqual([{ role: 'user', content: 'first?' }]);
  });
});

describe('groupByMessages', () => {
  it('puts panes with the same messages in one request', () => {
    const same = [{ role: 'user' as const, content: 'q' }];
    const other = [{ role: 'user' as const, content: 'p' }];
    const groups = groupByMessages([
      { pane: 'p1', messages: same },
      { pane: 'p2', messages: other },
      { pane: 'p3', messages: same },
    ]);
    expect(groups.map((group) => group.map((entry) => entry.pane))).toEqual([['p1', 'p3'], ['p2']]);
  });
});

describe('busy and votable', () => {
  const session: CompareSession = { panes: panes.slice(0, 2), image: null, turns: [turn('t1', 'q', { p1: 'j1', p2: null })] };

  it('is busy while a job waits for its ack or streams', () => {
    expect(isCompareBusy(session, {})).toBe(true);
    const acked = compareReducer(session, { type: 'setJob', turnId: 't1', paneId: 'p2', jobId: 'j2' });
    expect(isCompareBusy(acked, { j1: job('j1', 'done'), j2: job('j2', 'streaming') })).toBe(true);
    expect(isCompareBusy(acked, { j1: job('j1', 'done'), j2: job('j2', 'stopped') })).toBe(false);
    expect(isCompareBusy(emptyCompareSession, {})).toBe(false);
  });

  it('can be voted on once every answer finished, not when one failed', () => {
    const acked = compareReducer(session, { type: 'setJob', turnId: 't1', paneId: 'p2', jobId: 'j2' });
    expect(lastTurnVotability(acked, { j1: job('j1', 'done'), j2: job('j2', 'streaming') })).toEqual({
      votable: false,
      reason: 'Vote when every answer has finished.',
    });
    expect(lastTurnVotability(acked, { j1: job('j1', 'done'), j2: job('j2', 'error') })).toEqual({
      votable: false,
      reason: 'Answer B failed: regenerate it to vote.',
    });
    expect(lastTurnVotability(acked, { j1: job('j1', 'done'), j2: job('j2', 'stopped') })).toEqual({ votable: true, jobIds: ['j1', 'j2'] });
  });
});

describe('choiceOptions', () => {
  it("offers FastChat's four buttons for two panes and 'pick the best' for more", () => {
    expect(choiceOptions(2).map((option) => option.label)).toEqual(['A is better', 'B is better', 'Tie', 'Both are bad']);
    expect(choiceOptions(3).map((option) => option.label)).toEqual(['A is best', 'B is best', 'C is best', 'Tie', 'All are bad']);
    expect(choiceOptions(3)[2]!.choice).toEqual({ type: 'pane', pane: 2 });
  });
});
