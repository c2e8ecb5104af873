import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MgmTokenizer } from '../mgm-tokenizer.ts';
import { FIXTURES } from '../../test/fixture-checkpoint.ts';
import { IncrementalDetokenizer } from './incremental-detokenizer.ts';

describe('IncrementalDetokenizer', () => {
  it('streams multi-byte text without ever splitting a character', async () => {
    const tok = await MgmTokenizer.fromFile(path.join(FIXTURES, 'micro-mgm', 'tokenizer.json'));
    const text = 'Café naïve 東京 — ünïcödé 🙂 ok';
    const ids = tok.encode(text);
    // Byte-level tokens: the CJK characters and the emoji span several ids each.
    expect(ids.length).toBeGreaterThan(20);
    const detok = new IncrementalDetokenizer(tok);
    const deltas = ids.map((id) => detok.push(id));
    deltas.push(detok.flush());
    expect(deltas.join('')).toBe(text);
    for (const d of deltas) expect(d).not.toContain('\uFFFD');
    expect(deltas.filter((d) => d === '').length).toBeGreaterThan(0);
  });

  it('skips special tokens, as MGM decodes with skip_special_tokens', async () => {
    const tok = await MgmTokenizer.fromFile(path.join(FIXTURES, 'micro-mgm', 'tokenizer.json'));
    const detok = new IncrementalDetokenizer(tok);
    const ids = tok.encode('a<start_of_turn>b');
    expect(ids).toContain(4);
    expect(ids.map((id) => detok.push(id)).join('') + detok.flush()).toBe('ab');
  });

  it('decodes each id once its character is complete (no lag on ASCII)', async () => {
    const tok = await MgmTokenizer.fromFile(path.join(FIXTURES, 'micro-mgm', 'tokenizer.json'));
    const detok = new IncrementalDetokenizer(tok);
    for (const id of tok.encode('The assistant gives')) expect(detok.push(id)).not.toBe('');
    expect(detok.flush()).toBe('');
  });
});
