import { describe, expect, it } from 'vitest';
import { MAX_CONVERSATION_BYTES, SOCKET_MAX_PAYLOAD_BYTES, jsonBytes, minPromptTokens, utf8Length } from './payload-limits.ts';
import { MAX_MESSAGE_CHARS, MAX_MESSAGES } from './chat-message.ts';
import { generateRequestSchema } from './socket-events.ts';

/** The largest conversation the per-message limits alone allow, in characters that escape to 6 JSON bytes. */
function alternating(count: number, content: string) {
  return Array.from({ length: count }, (_, i) => ({ role: i % 2 === 0 ? ('user' as const) : ('assistant' as const), content }));
}

describe('payload limits', () => {
  it('counts UTF-8 bytes like TextEncoder', () => {
    for (const text of ['', 'abc', 'héllo', '€', '😀x', '\ud800', 'a\udc00b']) expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
    expect(minPromptTokens([{ content: 'x'.repeat(1000) }])).toBe(4);
  });

  it('refuses a conversation above the byte cap with a clear message, so no valid request is above the socket.io buffer', () => {
    // 63 messages of 32 000 characters each pass the per-message limits (2 MB: twice the socket cap).
    const huge = alternating(MAX_MESSAGES - 1, 'é'.repeat(MAX_MESSAGE_CHARS));
    const parsed = generateRequestSchema.safeParse({ messages: huge, models: ['m'] });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toMatch(/the limit is 512 KiB/);

    // The worst case that passes: control characters escape to 6 bytes each in JSON.
    const perMessage = Math.floor(MAX_CONVERSATION_BYTES / 7 / 6) - 20;
    const largest = alternating(7, '\u0001'.repeat(perMessage));
    const request = {
      messages: largest,
      models: ['a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64), 'd'.repeat(64)],
      imageId: 'f'.repeat(64),
      params: { temperature: 0.123456789, topP: 0.123456789, topK: 1000, repetitionPenalty: 1.23456789, maxNewTokens: 4096, seed: 4294967295, useOcr: true, generateImage: true },
      imageMode: 'default',
    };
    expect(generateRequestSchema.safeParse(request).success).toBe(true);
    // socket.io's envelope: 42<ackId>["generate",<request>]
    expect(jsonBytes(['generate', request]) + 32).toBeLessThan(SOCKET_MAX_PAYLOAD_BYTES);
    expect(MAX_CONVERSATION_BYTES * 1.1).toBeLessThan(SOCKET_MAX_PAYLOAD_BYTES);
  });
});
