import { describe, expect, it } from 'vitest';
import { mgmDownscaleSize } from './mgm-downscale.ts';

describe('mgmDownscaleSize (conversation.py process_image)', () => {
  it('keeps images whose longer side is at most 1344', () => {
    expect(mgmDownscaleSize(1344, 1344)).toBeNull();
    expect(mgmDownscaleSize(1000, 750)).toBeNull();
    expect(mgmDownscaleSize(1344, 100)).toBeNull();
  });

  it('brings the short side to <= 672 with MGM arithmetic', () => {
    // shortest = int(min(1344 / aspect, 672, short)); longest = int(shortest * aspect)
    expect(mgmDownscaleSize(4000, 3000)).toEqual({ width: 896, height: 672 });
    expect(mgmDownscaleSize(3000, 4000)).toEqual({ width: 672, height: 896 });
    expect(mgmDownscaleSize(2000, 1000)).toEqual({ width: 1344, height: 672 });
    expect(mgmDownscaleSize(1345, 1345)).toEqual({ width: 672, height: 672 });
    // Very wide: the 1344 / aspect term wins (5000/500 = 10 -> short 134, long 1340).
    expect(mgmDownscaleSize(5000, 500)).toEqual({ width: 1340, height: 134 });
    // int() truncation of a non-integer aspect: 1920/1080 -> short 672, long int(672 * 1.777...) = 1194.
    expect(mgmDownscaleSize(1920, 1080)).toEqual({ width: 1194, height: 672 });
  });

  it('never gives a side of 0 pixels, nor a long side above 1344, at extreme aspect ratios', () => {
    expect(mgmDownscaleSize(2000, 1)).toEqual({ width: 1344, height: 1 });
    expect(mgmDownscaleSize(1, 2000)).toEqual({ width: 1, height: 1344 });
    expect(mgmDownscaleSize(40_000, 2)).toEqual({ width: 1344, height: 1 });
  });
});
