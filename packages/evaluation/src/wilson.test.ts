import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson.ts';

describe('Wilson 95 % interval', () => {
  it('matches the textbook values', () => {
    // Wilson (1927) / Newcombe (1998) table: 81 of 263 -> 0.2553 .. 0.3662.
    const a = wilsonInterval(81, 263);
    expect(a.low).toBeCloseTo(0.2553, 4);
    expect(a.high).toBeCloseTo(0.3662, 4);
    // 0 of 10 -> 0 .. 0.2775; 10 of 10 -> 0.7225 .. 1.
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.7225, 4);
    expect(wilsonInterval(10, 10).high).toBeCloseTo(1, 12);
  });

  it('is [0, 1] without data and refuses impossible counts', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
  });
});
