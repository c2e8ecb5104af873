import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseControllerConfig } from './env.ts';

describe('parseControllerConfig', () => {
  it('has defaults and reads the environment', () => {
    expect(parseControllerConfig({})).toMatchObject({ port: 8780, host: '127.0.0.1', redisPrefix: 'mgm', dataDir: path.resolve('data') });
    expect(parseControllerConfig({ CONTROLLER_PORT: '0', REDIS_PREFIX: 'x1', DATA_DIR: '/tmp/d' })).toMatchObject({ port: 0, redisPrefix: 'x1', dataDir: '/tmp/d' });
  });

  it('says which variable is wrong', () => {
    expect(() => parseControllerConfig({ CONTROLLER_PORT: 'abc' })).toThrow(/port/);
    expect(() => parseControllerConfig({ REDIS_PREFIX: 'a:b' })).toThrow(/redisPrefix/);
  });
});
