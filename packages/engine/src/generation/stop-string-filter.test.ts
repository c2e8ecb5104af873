import { describe, expect, it } from 'vitest';
import { StopStringFilter } from './stop-string-filter.ts';

function run(stops: string[], pieces: string[]): { shown: string; stopped: boolean; rest: string } {
  const f = new StopStringFilter(stops);
  let shown = '';
  for (const p of pieces) {
    const r = f.push(p);
    shown += r.emit;
    if (r.stopped) return { shown, stopped: true, rest: '' };
  }
  return { shown, stopped: false, rest: f.flush() };
}

describe('StopStringFilter', () => {
  it('stops on a stop string split over several tokens and never shows any of it', () => {
    expect(run(['</s>'], ['Hello', ' world', '<', '/', 's', '>', 'junk'])).toEqual({ shown: 'Hello world', stopped: true, rest: '' });
  });
  it('holds back a possible start and releases it when it turns out not to be one', () => {
    const f = new StopStringFilter(['<end_of_turn>']);
    expect(f.push('a <end')).toEqual({ emit: 'a ', stopped: false });
    expect(f.push('less')).toEqual({ emit: '<endless', stopped: false });
  });
  it('picks the earliest of several stop strings', () => {
    expect(run(['<end_of_turn>', '<eos>'], ['x<eos>y<end_of_turn>'])).toEqual({ shown: 'x', stopped: true, rest: '' });
  });
  it('gives back a held tail at the end of generation', () => {
    expect(run(['<|im_end|>'], ['done <|im'])).toEqual({ shown: 'done ', stopped: false, rest: '<|im' });
  });
  it('passes text through when the template has no stop strings', () => {
    expect(run([], ['a', '<'])).toEqual({ shown: 'a<', stopped: false, rest: '' });
  });
});
