import { defaultSamplingParams } from '@mgm/protocol';
import { describe, expect, it } from 'vitest';
import { messagesForTurn, type Conversation } from '../chat-state.ts';
import { initialJobState, type JobState } from '../job-state.ts';
import { restoreConversation, storedKey, titleFromQuestion, toStoredConversation } from './stored-conversation.ts';

const turn = (id: string, question: string, jobId: string | null) => ({
  id,
  question,
  model: 'mgm-tiny',
  params: defaultSamplingParams,
  imageMode: 'default' as const,
  jobId,
  feedback: [],
});
const job = (jobId: string, status: JobState['status'], text: string): JobState => ({
  ...initialJobState({ jobId, requestId: 'r', model: 'mgm-tiny' }, 0),
  status,
  text,
});
const conversation: Conversation = {
  id: 'chat-1',
  createdAt: 100,
  image: { imageId: 'a'.repeat(64), width: 10, height: 10, previewUrl: 'blob:x', name: 'x.png' },
  turns: [turn('t1', 'What code is printed?', 'j1'), turn('t2', 'And the colour?', 'j2')],
};

describe('titleFromQuestion', () => {
  it('takes the first question on one line, cut at a word', () => {
    expect(titleFromQuestion('  What is\nthis?  ')).toBe('What is this?');
    const long = 'How many red circles are there in the picture and where is the largest of them placed exactly?';
    const title = titleFromQuestion(long);
    expect(title.endsWith('…')).toBe(true);
    expect(title.length).toBeLessThanOrEqual(61);
    expect(long.startsWith(title.slice(0, -1))).toBe(true);
  });
});

describe('toStoredConversation / restoreConversation', () => {
  it('keeps questions and finished answers; a reopened conversation continues with the same history', () => {
    const jobs = { j1: job('j1', 'done', ' 037'), j2: job('j2', 'streaming', 're') };
    const stored = toStoredConversation(conversation, jobs, 500);
    expect(stored).toMatchObject({ id: 'chat-1', title: 'What code is printed?', model: 'mgm-tiny', createdAt: 100, updatedAt: 500 });
    expect(stored?.turns.map((saved) => saved.answer?.text ?? null)).toEqual([' 037', null]);

    const restored = restoreConversation({ ...stored!, renamed: false }, 'blob:y');
    expect(restored.image?.previewUrl).toBe('blob:y');
    expect(restored.turns[0]?.saved?.status).toBe('done');
    // The answer that was still streaming when the page closed shows as interrupted.
    expect(restored.turns[1]?.saved?.status).toBe('error');
    expect(messagesForTurn({ ...restored, turns: [...restored.turns, turn('t3', 'Next?', null)] }, 2, {})).toEqual([
      { role: 'user', content: 'What code is printed?' },
      { role: 'assistant', content: ' 037' },
      { role: 'user', content: 'Next?' },
    ]);
  });

  it('changes its key when an answer ends, not with every streamed token', () => {
    const streaming = toStoredConversation(conversation, { j1: job('j1', 'streaming', 'a') }, 1)!;
    const moreText = toStoredConversation(conversation, { j1: job('j1', 'streaming', 'ab') }, 2)!;
    const ended = toStoredConversation(conversation, { j1: job('j1', 'done', 'ab') }, 3)!;
    expect(storedKey(moreText)).toBe(storedKey(streaming));
    expect(storedKey(ended)).not.toBe(storedKey(streaming));
  });

  it('stores nothing for a conversation without a question', () => {
    expect(toStoredConversation({ id: null, image: null, turns: [] }, {}, 1)).toBeNull();
  });
});
