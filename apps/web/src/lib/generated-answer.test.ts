import { describe, expect, it } from 'vitest';
import { answerTextBesidePicture } from './generated-answer.ts';

describe('answerTextBesidePicture', () => {
  it('leaves the <h> image prompt to the picture caption', () => {
    expect(answerTextBesidePicture(' Sure, here it is. <h>a red circle at the top</h>', 'a red circle at the top')).toBe('Sure, here it is.');
    expect(answerTextBesidePicture('<h>a red circle</h>', 'a red circle')).toBe('');
  });

  it('shows the text as it is when there is no prompt', () => {
    expect(answerTextBesidePicture('Sure, here it is. <h>a red circle</h>', null)).toBe('Sure, here it is. <h>a red circle</h>');
  });
});
