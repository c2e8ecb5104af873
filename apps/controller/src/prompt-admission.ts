import { MAX_TOKEN_BYTES, MgmError, minPromptTokens, type ChatMessage, type WorkerRecord } from '@mgm/protocol';

/**
 * Refuses, before any worker is busy with it, a prompt that cannot fit the model's context:
 * its text alone takes at least `bytes / MAX_TOKEN_BYTES` tokens, plus the visual tokens of the
 * image. Prompts this bound cannot judge go to the worker, whose tokenizer decides exactly
 * (and answers PROMPT_TOO_LONG there too, as a refused request, not a worker failure).
 */
export function assertPromptFits(
  messages: readonly ChatMessage[],
  hasImage: boolean,
  hosting: readonly Pick<WorkerRecord, 'contextLength' | 'visualTokens'>[],
  modelName: string,
): void {
  if (hosting.length === 0) return;
  // The largest context among the model's workers: a prompt that fits one of them is let through.
  const contextLength = Math.max(...hosting.map((w) => w.contextLength));
  const visual = hasImage ? Math.min(...hosting.map((w) => w.visualTokens)) : 0;
  const atLeast = minPromptTokens(messages) + visual;
  if (atLeast >= contextLength) {
    throw new MgmError(
      'PROMPT_TOO_LONG',
      `the conversation takes at least ${atLeast} tokens of the ${contextLength}-token context of ${modelName}: no room to answer. Shorten it or start a new conversation.`,
      { details: { minPromptTokens: atLeast, contextLength, maxTokenBytes: MAX_TOKEN_BYTES } },
    );
  }
}
