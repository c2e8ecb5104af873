import { describe, expect, it } from 'vitest';
import { answerIsOnlyThePrompt } from './generated-answer.ts';

describe('answerIsOnlyThePrompt', () => {
  it('is true for an answer that is the image prompt, with or without <h> tags', () => {
    expect(answerIsOnlyThePrompt(' <h>a red circle at the top left</h>', 'a red circle at the top left')).toBe(true);
    expect(answerIsOnlyThePrompt('a red circle  at the top left', 'a red circle at the top left')).toBe(true);
  });

  it('is false when the answer says more, or there is no prompt', () => {
    expect(answerIsOnlyThePrompt('Sure! <h>a red circle</h>', 'a red circle')).toBe(false);
    expect(answerIsOnlyThePrompt('a red circle', null)).toBe(false);
  });
});
