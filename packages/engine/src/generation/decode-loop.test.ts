import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../test/fixture-checkpoint.ts';
import { MgmTokenizer } from '../mgm-tokenizer.ts';
import { decodeLoop } from './decode-loop.ts';
import { IncrementalDetokenizer } from './incremental-detokenizer.ts';
import { StopStringFilter } from './stop-string-filter.ts';
import { StoppingCriteria } from './stopping-criteria.ts';

const EOS = 2;

/** Runs the loop over a scripted id sequence (the "model" picks the next scripted id). */
async function script(
  ids: number[],
  opts: { maxNewTokens?: number; stops?: string[]; signal?: AbortSignal; failAt?: number } = {},
) {
  const tok = await MgmTokenizer.fromFile(path.join(FIXTURES, 'micro-mgm', 'tokenizer.json'));
  let i = 0;
  const pushed: string[] = [];
  const result = await decodeLoop(new Float32Array(1), {
    runner: {
      step: async () => {
        if (opts.failAt !== undefined && i === opts.failAt) throw new Error('device lost');
        return new Float32Array(1);
      },
    },
    selector: { select: () => ids[i++] as number },
    stopping: new StoppingCriteria({
      stopTokenIds: new Set([EOS]),
      maxNewTokens: opts.maxNewTokens ?? 100,
      contextLength: 1000,
      promptLength: 10,
      signal: opts.signal,
    }),
    detokenizer: new IncrementalDetokenizer(tok),
    stopStrings: new StopStringFilter(opts.stops ?? ['</s>']),
    hiddenIds: new Set([0, 1]),
    stream: { push: (s: string) => pushed.push(s) },
    now: () => 0,
  });
  return { ...result, pushed, tok };
}

describe('decodeLoop', () => {
  it('stops on the eos id without showing it', async () => {
    const tok = await MgmTokenizer.fromFile(path.join(FIXTURES, 'micro-mgm', 'tokenizer.json'));
    const r = await script([...tok.encode('Hi there'), EOS, ...tok.encode('never')]);
    expect(r.finishReason).toBe('stop');
    expect(r.text).toBe('Hi there');
    expect(r.outputIds.at(-1)).toBe(EOS);
  });

  it('stops generating at a stop string spelled over ordinary tokens (not just trimming it)', async () => {
    const tok = await MgmTokenizer.fromFile(path.join(FIXTURES, 'micro-mgm', 'tokenizer.json'));
    const ids = [...tok.encode('Hello <'), ...tok.encode('/s'), ...tok.encode('>'), ...tok.encode(' more text')];
    const r = await script(ids);
    expect(r.finishReason).toBe('stop');
    expect(r.text).toBe('Hello ');
    expect(r.pushed.join('')).toBe('Hello ');
    expect(r.outputIds.length).toBe(tok.encode('Hello <').length + tok.encode('/s').length + tok.encode('>').length);
  });

  it('releases a held-back "<" when generation ends for another reason', async () => {
    const tok = await MgmTokenizer.fromFile(path.join(FIXTURES, 'micro-mgm', 'tokenizer.json'));
    const r = await script([...tok.encode('a <'), EOS]);
    expect(r.text).toBe('a <');
    expect(r.pushed.join('')).toBe('a <');
  });

  it('finishes with length at max new tokens and hides bos/pad', async () => {
    const tok = await MgmTokenizer.fromFile(path.join(FIXTURES, 'micro-mgm', 'tokenizer.json'));
    const r = await script([1, ...tok.encode('abcdefgh'), 0], { maxNewTokens: 3 });
    expect(r.finishReason).toBe('length');
    expect(r.outputIds).toHaveLength(3);
    expect(r.text).toBe(tok.decode(r.outputIds.slice(1)));
  });

  it('checks the abort signal once per token', async () => {
    const ac = new AbortController();
    const tok = await MgmTokenizer.fromFile(path.join(FIXTURES, 'micro-mgm', 'tokenizer.json'));
    let n = 0;
    const r = await decodeLoop(new Float32Array(1), {
      runner: { step: async () => new Float32Array(1) },
      selector: {
        select: () => {
          if (++n === 4) ac.abort();
          return tok.encode('x')[0] as number;
        },
      },
      stopping: new StoppingCriteria({ stopTokenIds: new Set([EOS]), maxNewTokens: 100, contextLength: 1000, promptLength: 1, signal: ac.signal }),
      detokenizer: new IncrementalDetokenizer(tok),
      stopStrings: new StopStringFilter([]),
      hiddenIds: new Set(),
      stream: { push: () => undefined },
      now: () => 0,
    });
    expect(r.finishReason).toBe('abort');
    expect(r.outputIds).toHaveLength(4);
  });

  it('ends with finishReason error after the first token, keeping the text so far', async () => {
    const tok = await MgmTokenizer.fromFile(path.join(FIXTURES, 'micro-mgm', 'tokenizer.json'));
    const r = await script(tok.encode('abc def ghi'), { failAt: 2 });
    expect(r.finishReason).toBe('error');
    expect((r.error as Error).message).toBe('device lost');
    expect(r.outputIds).toHaveLength(2);
  });
});
