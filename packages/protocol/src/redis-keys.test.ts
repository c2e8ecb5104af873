import { describe, expect, it } from 'vitest';
import { queueNameForModel, redisKeys } from './redis-keys.ts';

describe('redisKeys', () => {
  it('puts every key under the prefix', () => {
    const keys = redisKeys('t1');
    expect(keys.worker('w')).toBe('t1:worker:w');
    expect(keys.jobStream('j')).toBe('t1:job:j:frames');
    expect(keys.bullPrefix).toBe('t1:bull');
    expect(redisKeys().workers).toBe('mgm:workers');
  });

  it('refuses a prefix with separators or spaces', () => {
    expect(() => redisKeys('a b')).toThrow();
    expect(() => redisKeys('a:b')).toThrow();
  });

  it('names queues without colons', () => {
    expect(queueNameForModel('mgm-tiny')).toBe('model-mgm-tiny');
  });
});
