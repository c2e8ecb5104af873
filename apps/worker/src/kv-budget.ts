import { MgmError } from '@mgm/protocol';

export interface KvShape {
  contextLength: number;
  numLayers: number;
  numKvHeads: number;
  headDim: number;
  dtype: 'float32' | 'float16';
}

/** Bytes one token takes in the KV cache: keys and values of every layer. */
export function kvBytesPerToken(s: KvShape): number {
  return 2 * s.numLayers * s.numKvHeads * s.headDim * (s.dtype === 'float16' ? 2 : 4);
}

/**
 * The worker's KV-cache budget in tokens: `--kv-budget-tokens`, or `--kv-budget-mb` over the
 * checkpoint's bytes per token, or by default room for maxBatch full contexts. It must hold at
 * least one full context, or a long conversation could never be admitted.
 */
export function resolveKvBudget(
  options: { kvBudgetTokens?: number; kvBudgetMb?: number; maxBatch: number },
  shape: KvShape,
): number {
  const perToken = kvBytesPerToken(shape);
  const tokens =
    options.kvBudgetTokens ??
    (options.kvBudgetMb !== undefined ? Math.floor((options.kvBudgetMb * 1024 * 1024) / perToken) : options.maxBatch * shape.contextLength);
  if (tokens < shape.contextLength) {
    const mb = ((shape.contextLength * perToken) / (1024 * 1024)).toFixed(2);
    throw new MgmError(
      'BAD_REQUEST',
      `the KV-cache budget (${tokens} tokens) must hold at least one full context of this checkpoint: ${shape.contextLength} tokens (${mb} MB at ${perToken} bytes a token)`,
    );
  }
  return tokens;
}

/**
 * Tokens of the KV budget the prefix cache may hold: `--prefix-cache-mb` over the checkpoint's
 * bytes per token (0 turns the cache off), by default the whole budget. Either way within the
 * budget: the cache only takes what no live sequence reserved, and admission reclaims it first.
 */
export function resolvePrefixCacheTokens(options: { prefixCacheMb?: number }, shape: KvShape, kvBudgetTokens: number): number {
  if (options.prefixCacheMb === undefined) return kvBudgetTokens;
  return Math.min(kvBudgetTokens, Math.floor((options.prefixCacheMb * 1024 * 1024) / kvBytesPerToken(shape)));
}
