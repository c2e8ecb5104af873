import { z } from 'zod';
import { MAX_CONVERSATION_BYTES, formatKiB, jsonBytes } from './payload-limits.ts';

export const MAX_MESSAGE_CHARS = 32_000;
export const MAX_MESSAGES = 64;

export const chatRoleSchema = z.enum(['user', 'assistant']);
export type ChatRole = z.infer<typeof chatRoleSchema>;

export const chatMessageSchema = z.object({
  role: chatRoleSchema,
  content: z.string().max(MAX_MESSAGE_CHARS, `a message is at most ${MAX_MESSAGE_CHARS} characters`),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** A system prompt that replaces the chat template's own (OpenAI `system` messages). */
export const systemPromptSchema = z.string().max(MAX_MESSAGE_CHARS, `the system prompt is at most ${MAX_MESSAGE_CHARS} characters`);

/**
 * A conversation sent for generation: user and assistant turns alternate, starting and ending
 * with the user (the model answers the last user turn).
 */
export const conversationSchema = z
  .array(chatMessageSchema)
  .min(1, 'the conversation has no message')
  .max(MAX_MESSAGES, `a conversation has at most ${MAX_MESSAGES} messages`)
  .superRefine((messages, ctx) => {
    messages.forEach((message, index) => {
      const expected = index % 2 === 0 ? 'user' : 'assistant';
      if (message.role !== expected) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'role'],
          message: `message ${index + 1} should be from the ${expected}: turns alternate, starting with the user`,
        });
      }
    });
    const last = messages.at(-1);
    if (last && last.role !== 'user') {
      ctx.addIssue({ code: 'custom', message: 'the last message must be from the user' });
    }
    if (last && last.content.trim() === '') {
      ctx.addIssue({ code: 'custom', message: 'the question is empty' });
    }
    const bytes = jsonBytes(messages);
    if (bytes > MAX_CONVERSATION_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: `the conversation is ${formatKiB(bytes)}; the limit is ${formatKiB(MAX_CONVERSATION_BYTES)}: start a new conversation or shorten it`,
      });
    }
  });
