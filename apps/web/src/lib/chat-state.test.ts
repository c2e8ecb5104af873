import { defaultSamplingParams } from '@mgm/protocol';
import { describe, expect, it } from 'vitest';
import {
  conversationReducer,
  conversationWithAnswer,
  emptyConversation,
  isConversationBusy,
  messagesForTurn,
  type ChatImage,
  type ChatTurn,
  type Conversation,
} from './chat-state.ts';
import { failedJobState, initialJobState, type JobState } from './job-state.ts';

const image = (id: string): ChatImage => ({ imageId: id.repeat(64).slice(0, 64), width: 10, height: 10, previewUrl: `blob:${id}`, name: `${id}.png` });
const turn = (id: string, question: string, jobId: string | null): ChatTurn => ({
  id,
  question,
  model: 'mgm-tiny',
  params: defaultSamplingParams,
  imageMode: 'default',
  jobId,
  feedback: [],
});
const done = (jobId: string, text: string): JobState => ({ ...initialJobState({ jobId, requestId: 'r', model: 'mgm-tiny' }, 0), status: 'done', text });

describe('conversationReducer', () => {
  it('starts a new conversation when a new image is attached', () => {
    const started: Conversation = { image: image('a'), turns: [turn('t1', 'q', 'j1')] };
    const next = conversationReducer(started, { type: 'attachImage', image: image('b') });
    expect(next.image?.name).toBe('b.png');
    expect(next.turns).toEqual([]);
  });

  it('keeps the image of a started conversation when asked to remove it', () => {
    const started: Conversation = { image: image('a'), turns: [turn('t1', 'q', 'j1')] };
    expect(conversationReducer(started, { type: 'removeImage' })).toBe(started);
    expect(conversationReducer({ image: image('a'), turns: [] }, { type: 'removeImage' }).image).toBeNull();
  });

  it('records feedback once per kind and resets it on regenerate', () => {
    let state: Conversation = { image: null, turns: [turn('t1', 'q', 'j1')] };
    state = conversationReducer(state, { type: 'addFeedback', turnId: 't1', kind: 'upvote' });
    state = conversationReducer(state, { type: 'addFeedback', turnId: 't1', kind: 'upvote' });
    expect(state.turns[0]?.feedback).toEqual(['upvote']);
    state = conversationReducer(state, { type: 'resetTurnJob', turnId: 't1' });
    expect(state.turns[0]).toMatchObject({ jobId: null, feedback: [] });
  });

  it('clears everything', () => {
    expect(conversationReducer({ image: image('a'), turns: [turn('t1', 'q', 'j1')] }, { type: 'clear' })).toEqual(emptyConversation);
  });
});

describe('messagesForTurn', () => {
  const conversation: Conversation = {
    image: image('a'),
    turns: [turn('t1', 'How many shapes?', 'j1'), turn('t2', 'Which is red?', 'j2'), turn('t3', 'What code?', null)],
  };

  it('sends the history with answers, ending with the question asked', () => {
    const jobs = { j1: done('j1', '3'), j2: done('j2', 'the triangle') };
    expect(messagesForTurn(conversation, 2, jobs)).toEqual([
      { role: 'user', content: 'How many shapes?' },
      { role: 'assistant', content: '3' },
      { role: 'user', content: 'Which is red?' },
      { role: 'assistant', content: 'the triangle' },
      { role: 'user', content: 'What code?' },
    ]);
  });

  it('leaves out a turn whose answer failed, so the roles still alternate', () => {
    const jobs = { j1: failedJobState({ jobId: 'j1', requestId: 'r', model: 'm' }, { code: 'NO_WORKER', message: 'none' }, 0), j2: done('j2', 'the triangle') };
    expect(messagesForTurn(conversation, 2, jobs).map((message) => message.content)).toEqual(['Which is red?', 'the triangle', 'What code?']);
  });

  it('adds the rated answer for feedback', () => {
    const jobs = { j1: done('j1', '3') };
    expect(conversationWithAnswer(conversation, 0, jobs)).toEqual([
      { role: 'user', content: 'How many shapes?' },
      { role: 'assistant', content: '3' },
    ]);
  });
});

describe('isConversationBusy', () => {
  it('is busy while the last turn waits for its ack or its answer', () => {
    const waiting: Conversation = { image: null, turns: [turn('t1', 'q', null)] };
    expect(isConversationBusy(waiting, {})).toBe(true);
    const streaming: Conversation = { image: null, turns: [turn('t1', 'q', 'j1')] };
    expect(isConversationBusy(streaming, { j1: initialJobState({ jobId: 'j1', requestId: 'r', model: 'm' }, 0) })).toBe(true);
    expect(isConversationBusy(streaming, { j1: done('j1', 'x') })).toBe(false);
    expect(isConversationBusy(emptyConversation, {})).toBe(false);
  });
});
