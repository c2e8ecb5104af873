import { describe, expect, it } from 'vitest';
import { parseTestSetJsonl, recordMessages, TestSetParseError } from './eval-record.ts';

const line = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ id: '1', image: 'images/a.png', question: 'What shape?', answer: 'circle', type: 'shape', ...over });

describe('parseTestSetJsonl', () => {
  it('reads the records, skipping blank lines, history defaulting to none', () => {
    const records = parseTestSetJsonl(`${line()}\n\n${line({ id: '2', history: [{ question: 'a', answer: 'b' }] })}\n`);
    expect(records.map((r) => r.id)).toEqual(['1', '2']);
    expect(records[0]!.history).toEqual([]);
    expect(recordMessages(records[1]!)).toEqual([
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'b' },
      { role: 'user', content: 'What shape?' },
    ]);
  });

  it('names the first bad line and why', () => {
    const fail = (text: string) => {
      try {
        parseTestSetJsonl(text);
      } catch (error) {
        expect(error).toBeInstanceOf(TestSetParseError);
        return (error as Error).message;
      }
      throw new Error('no error');
    };
    expect(fail(`${line()}\n{oops`)).toBe('line 2: not JSON');
    expect(fail(`${line()}\n${line({ id: '2', question: '' })}`)).toMatch(/^line 2: question: /);
    expect(fail(`${line()}\n${line()}`)).toBe('line 2: id "1" is already used on line 1');
    expect(fail('\n\n')).toBe('the test set has no questions');
  });
});
