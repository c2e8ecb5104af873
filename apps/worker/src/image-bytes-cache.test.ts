import { describe, expect, it } from 'vitest';
import { ImageBytesCache } from './image-bytes-cache.ts';

const bytes = (n: number) => new Uint8Array(n);

describe('ImageBytesCache', () => {
  it('keeps images within its byte budget, least recently used dropped first', () => {
    const cache = new ImageBytesCache(100);
    cache.set('a', bytes(40));
    cache.set('b', bytes(40));
    expect(cache.get('a')?.byteLength).toBe(40);
    cache.set('c', bytes(40));
    expect(cache.get('b')).toBeNull();
    expect(cache.get('a')).not.toBeNull();
    expect(cache.get('c')).not.toBeNull();
    expect(cache.stats()).toMatchObject({ entries: 2, bytes: 80, hits: 3, lookups: 4 });
  });

  it('keeps nothing bigger than the budget, and nothing with a budget of 0', () => {
    const cache = new ImageBytesCache(10);
    cache.set('big', bytes(11));
    expect(cache.get('big')).toBeNull();
    const off = new ImageBytesCache(0);
    off.set('a', bytes(1));
    expect(off.get('a')).toBeNull();
  });
});
