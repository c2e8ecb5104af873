import { describe, expect, it } from 'vitest';
import { parseWorkerConfig } from './env.ts';

describe('parseWorkerConfig', () => {
  it('takes the command line first, then the environment, then defaults', () => {
    const config = parseWorkerConfig(['--model', 'models/mgm-tiny', '--concurrency', '2'], { MGM_DEVICE: 'cuda:1', REDIS_PREFIX: 't1' });
    expect(config).toMatchObject({ model: 'models/mgm-tiny', device: 'cuda:1', concurrency: 2, redisPrefix: 't1', heartbeatMs: 3000, recordTtlMs: 15000 });
    expect(config.workerId).toMatch(/^mgm-tiny\./);
  });

  it('explains what is missing or wrong', () => {
    expect(() => parseWorkerConfig([], {})).toThrow(/--model/);
    expect(() => parseWorkerConfig(['--model', 'm', '--concurrency', '0'], {})).toThrow(/concurrency/);
    expect(() => parseWorkerConfig(['--model', 'm', '--bogus'], {})).toThrow(/Usage/);
    expect(() => parseWorkerConfig(['--model', 'm'], { WORKER_HEARTBEAT_MS: '5000', WORKER_RECORD_TTL_MS: '6000' })).toThrow(/twice/);
  });
});
