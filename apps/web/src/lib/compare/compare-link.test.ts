import { defaultSamplingParams } from '@mgm/protocol';
import { describe, expect, it } from 'vitest';
import { compareLinkQuery, parseCompareLink } from './compare-link.ts';

const hash = 'ab'.repeat(32);

describe('compare links', () => {
  it('round-trips a full setup', () => {
    const setup = {
      models: ['mgm-tiny', 'mgm-tiny-hd', 'llava-tiny'],
      imageId: hash,
      question: 'What does the small text say?',
      params: { ...defaultSamplingParams, temperature: 0, maxNewTokens: 64, seed: 7 },
      imageMode: 'pad' as const,
    };
    const query = compareLinkQuery(setup);
    expect(query).toBe(`models=mgm-tiny,mgm-tiny-hd,llava-tiny&image=${hash}&q=What+does+the+small+text+say%3F&temperature=0&maxNewTokens=64&seed=7&mode=pad`);
    expect(parseCompareLink(new URLSearchParams(query))).toEqual(setup);
  });

  it('reads models alone, with MGM defaults for the rest', () => {
    expect(parseCompareLink(new URLSearchParams('models=a,b,c'))).toEqual({
      models: ['a', 'b', 'c'],
      imageId: null,
      question: null,
      params: defaultSamplingParams,
      imageMode: 'default',
    });
  });

  it('leaves out what is invalid, duplicated or beyond four models', () => {
    const setup = parseCompareLink(new URLSearchParams('models=a, a,b/c,d,e,f,g&image=xyz&temperature=9&topP=0.5&mode=stretch&q=%20'));
    expect(setup.models).toEqual(['a', 'd', 'e', 'f']);
    expect(setup.imageId).toBeNull();
    expect(setup.question).toBeNull();
    expect(setup.params).toEqual({ ...defaultSamplingParams, topP: 0.5 });
    expect(setup.imageMode).toBe('default');
  });
});
