import { describe, expect, it } from 'vitest';
import type { MgmTokenizer } from './mgm-tokenizer.ts';
import { tokenizePrompt } from './prompt-tokens.ts';

/** One id per character: a 947 KB conversation gives close to a million ids. */
const perChar = { encode: (text: string) => Array.from({ length: text.length }, (_, i) => text.charCodeAt(i) % 7) } as unknown as MgmTokenizer;

describe('tokenizePrompt', () => {
  it('splices at the image placeholder with bos first', () => {
    expect(tokenizePrompt('ab<image>c', perChar, { add_bos: true, bos_id: 1 } as never)).toEqual({ ids: [1, 97 % 7, 98 % 7, 99 % 7], imageAt: 3 });
  });

  it('takes a prompt of a million tokens without overflowing the call stack', () => {
    const text = 'x'.repeat(1_000_000);
    const tokens = tokenizePrompt(`${text}<image>${text}`, perChar, { add_bos: false } as never);
    expect(tokens.ids.length).toBe(2_000_000);
    expect(tokens.imageAt).toBe(1_000_000);
  });
});
