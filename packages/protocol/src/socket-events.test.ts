import { describe, expect, it } from 'vitest';
import { describeZodError } from './api-error.ts';
import { generateRequestSchema, stopRequestSchema } from './socket-events.ts';

const question = [{ role: 'user' as const, content: 'What is in the image?' }];

describe('generateRequestSchema', () => {
  it('defaults params and image mode', () => {
    const parsed = generateRequestSchema.parse({ messages: question, models: ['mgm-tiny'] });
    expect(parsed.params.temperature).toBe(0.2);
    expect(parsed.imageMode).toBe('default');
    expect(parsed.imageId).toBeUndefined();
  });

  it('takes one to four distinct models', () => {
    expect(generateRequestSchema.safeParse({ messages: question, models: [] }).success).toBe(false);
    expect(generateRequestSchema.safeParse({ messages: question, models: ['a', 'b', 'c', 'd', 'e'] }).success).toBe(false);
    expect(generateRequestSchema.safeParse({ messages: question, models: ['a', 'a'] }).success).toBe(false);
    expect(generateRequestSchema.safeParse({ messages: question, models: ['a', 'b', 'c', 'd'] }).success).toBe(true);
  });

  it('wants alternating turns that end with a non-empty user question', () => {
    const twoUsers = [question[0], question[0]];
    const result = generateRequestSchema.safeParse({ messages: twoUsers, models: ['a'] });
    expect(result.success).toBe(false);
    if (!result.success) expect(describeZodError(result.error)).toContain('turns alternate');
    const endsWithAssistant = [question[0], { role: 'assistant', content: 'a cat' }];
    expect(generateRequestSchema.safeParse({ messages: endsWithAssistant, models: ['a'] }).success).toBe(false);
    expect(generateRequestSchema.safeParse({ messages: [{ role: 'user', content: '  ' }], models: ['a'] }).success).toBe(false);
  });

  it('rejects a model id that could escape a key or queue name', () => {
    expect(generateRequestSchema.safeParse({ messages: question, models: ['a:b'] }).success).toBe(false);
    expect(generateRequestSchema.safeParse({ messages: question, models: ['../x'] }).success).toBe(false);
  });
});

describe('stopRequestSchema', () => {
  it('takes a job id or a request id, not both', () => {
    expect(stopRequestSchema.safeParse({ jobId: 'j1' }).success).toBe(true);
    expect(stopRequestSchema.safeParse({ requestId: 'r1' }).success).toBe(true);
    expect(stopRequestSchema.safeParse({ jobId: 'j1', requestId: 'r1' }).success).toBe(false);
    expect(stopRequestSchema.safeParse({}).success).toBe(false);
  });
});
