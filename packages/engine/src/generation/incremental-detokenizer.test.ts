import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../test/fixture-checkpoint.ts';
import { MgmTokenizer } from '../mgm-tokenizer.ts';
import { IncrementalDetokenizer, type TokenDecoder } from './incremental-detokenizer.ts';
import { Prng } from './prng.ts';

const TEXT = 'Café naïve 東京 — ünïcödé 🙂 ok';

async function tokenizer(): Promise<MgmTokenizer> {
  return MgmTokenizer.fromFile(path.join(FIXTURES, 'micro-mgm', 'tokenizer.json'));
}

/** Both strategies: byte streaming (ByteLevel) and the windowed re-decode (any tokenizer). */
const strategies: [string, (t: MgmTokenizer) => TokenDecoder][] = [
  ['byte-level stream', (t) => t],
  ['windowed decode', (t) => ({ decode: (ids) => t.decode(ids) })],
];

describe.each(strategies)('IncrementalDetokenizer (%s)', (_name, as) => {
  it('streams multi-byte text without ever splitting a character', async () => {
    const tok = await tokenizer();
    const ids = tok.encode(TEXT);
    expect(ids.length).toBeGreaterThan(20); // the CJK characters and the emoji span several ids
    const detok = new IncrementalDetokenizer(as(tok));
    const deltas = ids.map((id) => detok.push(id));
    deltas.push(detok.flush());
    expect(deltas.join('')).toBe(TEXT);
    for (const d of deltas) expect(d).not.toContain('\uFFFD');
    expect(deltas.filter((d) => d === '').length).toBeGreaterThan(0);
  });

  it('joins to exactly what decoding all ids at once gives, invalid bytes included', async () => {
    const tok = await tokenizer();
    const r = new Prng(5);
    for (let trial = 0; trial < 50; trial++) {
      const ids = Array.from({ length: 30 }, () => 6 + Math.floor(r.next() * 300));
      const detok = new IncrementalDetokenizer(as(tok));
      const joined = ids.map((id) => detok.push(id)).join('') + detok.flush();
      expect(joined).toBe(tok.decode(ids));
    }
  });

  it('releases ASCII at once and skips special tokens, as MGM decodes', async () => {
    const tok = await tokenizer();
    const detok = new IncrementalDetokenizer(as(tok));
    for (const id of tok.encode('The assistant gives')) expect(detok.push(id)).not.toBe('');
    const ids = tok.encode('a<start_of_turn>b');
    expect(ids).toContain(4);
    expect(ids.map((id) => detok.push(id)).join('') + detok.flush()).toBe('ab');
  });
});

describe('MgmTokenizer.tokenBytes', () => {
  it('is offered only for plain ByteLevel decoders', async () => {
    expect((await tokenizer()).tokenBytes).not.toBeNull();
    const metaspace = new MgmTokenizer({
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
      post_processor: null,
      decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
      model: { type: 'BPE', vocab: { a: 0, '▁': 1 }, merges: [] },
    });
    expect(metaspace.tokenBytes).toBeNull();
  });
});
