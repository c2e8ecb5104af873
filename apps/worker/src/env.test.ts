import { describe, expect, it } from 'vitest';
import { parseWorkerConfig } from './env.ts';

describe('parseWorkerConfig', () => {
  it('takes the command line first, then the environment, then defaults', () => {
    const config = parseWorkerConfig(['--model', 'models/mgm-tiny', '--concurrency', '2'], { MGM_DEVICE: 'cuda:1', REDIS_PREFIX: 't1' });
    expect(config).toMatchObject({ model: 'models/mgm-tiny', device: 'cuda:1', concurrency: 2, redisPrefix: 't1', heartbeatMs: 3000, recordTtlMs: 2000, keepAliveMs: 400 });
    expect(config.workerId).toMatch(/^mgm-tiny\./);
  });

  it('explains what is missing or wrong', () => {
    expect(() => parseWorkerConfig([], {})).toThrow(/--model/);
    expect(() => parseWorkerConfig(['--model', 'm', '--concurrency', '0'], {})).toThrow(/concurrency/);
    expect(() => parseWorkerConfig(['--model', 'm', '--bogus'], {})).toThrow(/Usage/);
    expect(() => parseWorkerConfig(['--model', 'm'], { WORKER_KEEPALIVE_MS: '1000', WORKER_RECORD_TTL_MS: '2000' })).toThrow(/three times/);
  });

  it('takes --load-8bit / --load-4bit as --dtype q8 / q4, and a models folder for zoo names', () => {
    expect(parseWorkerConfig(['--model', 'MGM-7B-HD', '--load-4bit', '--models-dir', '/data/models'], {})).toMatchObject({
      model: 'MGM-7B-HD',
      dtype: 'q4',
      modelsDir: '/data/models',
    });
    expect(parseWorkerConfig(['--model', 'm', '--load-8bit'], { MGM_DTYPE: 'fp32' }).dtype).toBe('q8');
    expect(parseWorkerConfig(['--model', 'm'], { MGM_DTYPE: 'q4', MGM_MODELS_DIR: '/m' })).toMatchObject({ dtype: 'q4', modelsDir: '/m' });
    expect(() => parseWorkerConfig(['--model', 'm', '--load-8bit', '--load-4bit'], {})).toThrow(/exclude each other/);
    expect(() => parseWorkerConfig(['--model', 'm', '--load-4bit', '--dtype', 'q8'], {})).toThrow(/--load-4bit means --dtype q4/);
    expect(() => parseWorkerConfig(['--model', 'm', '--dtype', 'int3'], {})).toThrow(/dtype/);
  });

  it('reads the batch size (--max-batch, or its old name --concurrency), the KV budget and the layout', () => {
    expect(parseWorkerConfig(['--model', 'm'], {})).toMatchObject({ maxBatch: 8, concurrency: 8, batchLayout: 'exact' });
    expect(parseWorkerConfig(['--model', 'm', '--max-batch', '4', '--kv-budget-mb', '64', '--batch-layout', 'packed'], {})).toMatchObject({
      maxBatch: 4,
      concurrency: 4,
      kvBudgetMb: 64,
      batchLayout: 'packed',
    });
    expect(parseWorkerConfig(['--model', 'm'], { WORKER_MAX_BATCH: '16', WORKER_KV_BUDGET_TOKENS: '9000' })).toMatchObject({ maxBatch: 16, kvBudgetTokens: 9000 });
    expect(parseWorkerConfig(['--model', 'm'], { WORKER_CONCURRENCY: '1' }).maxBatch).toBe(1);
    expect(() => parseWorkerConfig(['--model', 'm', '--max-batch', '4', '--concurrency', '2'], {})).toThrow(/old name/);
    expect(() => parseWorkerConfig(['--model', 'm', '--kv-budget-mb', '4', '--kv-budget-tokens', '2000'], {})).toThrow(/once/);
    expect(() => parseWorkerConfig(['--model', 'm', '--batch-layout', 'loose'], {})).toThrow(/batchLayout/);
  });

  it('reads the prefix cache size (--prefix-cache-mb, WORKER_PREFIX_CACHE_MB; 0 = off; unset = the KV budget)', () => {
    expect(parseWorkerConfig(['--model', 'm'], {}).prefixCacheMb).toBeUndefined();
    expect(parseWorkerConfig(['--model', 'm', '--prefix-cache-mb', '0'], {}).prefixCacheMb).toBe(0);
    expect(parseWorkerConfig(['--model', 'm'], { WORKER_PREFIX_CACHE_MB: '12.5' }).prefixCacheMb).toBe(12.5);
    expect(() => parseWorkerConfig(['--model', 'm'], { WORKER_PREFIX_CACHE_MB: '-1' })).toThrow(/prefixCacheMb/);
  });

  it('reads whether vision and prefill run on a thread of their own (--prefill-thread auto|on|off, --prefill-threads)', () => {
    expect(parseWorkerConfig(['--model', 'm'], {})).toMatchObject({ prefillThread: 'auto', prefillThreads: 1 });
    expect(parseWorkerConfig(['--model', 'm', '--prefill-thread', 'off'], {}).prefillThread).toBe('off');
    expect(parseWorkerConfig(['--model', 'm'], {}).imageCacheMb).toBe(64);
    expect(parseWorkerConfig(['--model', 'm', '--image-cache-mb', '0'], {}).imageCacheMb).toBe(0);
    expect(parseWorkerConfig(['--model', 'm'], { WORKER_IMAGE_CACHE_MB: '8' }).imageCacheMb).toBe(8);
    expect(() => parseWorkerConfig(['--model', 'm'], { WORKER_IMAGE_CACHE_MB: '-1' })).toThrow(/imageCacheMb/);
    expect(parseWorkerConfig(['--model', 'm', '--max-batch', '1'], { WORKER_PREFILL_THREAD: 'on', WORKER_PREFILL_THREADS: '2' })).toMatchObject({ prefillThread: 'on', prefillThreads: 2 });
    expect(parseWorkerConfig(['--model', 'm', '--device', 'cuda:0'], {}).prefillThread).toBe('auto');
    expect(() => parseWorkerConfig(['--model', 'm', '--device', 'cuda:0', '--prefill-thread', 'on'], {})).toThrow(/cpu only/);
    expect(() => parseWorkerConfig(['--model', 'm', '--prefill-thread', 'maybe'], {})).toThrow(/prefillThread/);
  });
});
