import { describe, expect, it } from 'vitest';
import { defaultSamplingParams, samplingParamsSchema } from './sampling-params.ts';

describe('samplingParamsSchema', () => {
  it("fills MGM's defaults", () => {
    expect(defaultSamplingParams).toEqual({ temperature: 0.2, topP: 0.7, topK: 0, repetitionPenalty: 1, maxNewTokens: 512 });
  });

  it('keeps given values and rejects out-of-bounds ones', () => {
    expect(samplingParamsSchema.parse({ temperature: 0, maxNewTokens: 8 })).toMatchObject({ temperature: 0, maxNewTokens: 8, topP: 0.7 });
    expect(samplingParamsSchema.safeParse({ temperature: -0.1 }).success).toBe(false);
    expect(samplingParamsSchema.safeParse({ topP: 0 }).success).toBe(false);
    expect(samplingParamsSchema.safeParse({ maxNewTokens: 0 }).success).toBe(false);
    expect(samplingParamsSchema.safeParse({ maxNewTokens: 1.5 }).success).toBe(false);
    expect(samplingParamsSchema.safeParse({ topK: -1 }).success).toBe(false);
  });
});
