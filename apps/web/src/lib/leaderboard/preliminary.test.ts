import { describe, expect, it } from 'vitest';
import { formatInterval, isPreliminary, PRELIMINARY_VOTES } from './preliminary.ts';

describe('leaderboard figures', () => {
  it('calls a rating preliminary below the vote threshold', () => {
    expect(isPreliminary(3)).toBe(true);
    expect(isPreliminary(PRELIMINARY_VOTES - 1)).toBe(true);
    expect(isPreliminary(PRELIMINARY_VOTES)).toBe(false);
  });

  it('writes the interval as low – high', () => {
    expect(formatInterval(982.6, 1017.4)).toBe('983 – 1017');
  });
});
