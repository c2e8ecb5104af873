import { describe, expect, it } from 'vitest';
import { kvBytesPerToken, resolveKvBudget, resolvePrefixCacheTokens } from './kv-budget.ts';

const shape = { contextLength: 512, numLayers: 3, numKvHeads: 4, headDim: 48, dtype: 'float32' as const };

describe('resolveKvBudget', () => {
  it('counts keys and values of every layer', () => {
    expect(kvBytesPerToken(shape)).toBe(2 * 3 * 4 * 48 * 4);
  });

  it('takes tokens, or MB over the bytes per token, or maxBatch full contexts', () => {
    expect(resolveKvBudget({ kvBudgetTokens: 1000, maxBatch: 8 }, shape)).toBe(1000);
    expect(resolveKvBudget({ kvBudgetMb: 9, maxBatch: 8 }, shape)).toBe(Math.floor((9 * 1024 * 1024) / 4608));
    expect(resolveKvBudget({ maxBatch: 8 }, shape)).toBe(8 * 512);
  });

  it('refuses a budget smaller than one context, naming what it needs', () => {
    expect(() => resolveKvBudget({ kvBudgetTokens: 511, maxBatch: 8 }, shape)).toThrow(/512 tokens/);
    expect(() => resolveKvBudget({ kvBudgetMb: 1, maxBatch: 8 }, shape)).toThrow(/2\.25 MB/);
  });
});

describe('resolvePrefixCacheTokens', () => {
  it('is the whole KV budget by default, MB over the bytes per token when given, 0 for off, never above the budget', () => {
    expect(resolvePrefixCacheTokens({}, shape, 4096)).toBe(4096);
    expect(resolvePrefixCacheTokens({ prefixCacheMb: 9 }, shape, 4096)).toBe(Math.floor((9 * 1024 * 1024) / 4608));
    expect(resolvePrefixCacheTokens({ prefixCacheMb: 0 }, shape, 4096)).toBe(0);
    expect(resolvePrefixCacheTokens({ prefixCacheMb: 1000 }, shape, 4096)).toBe(4096);
  });
});
