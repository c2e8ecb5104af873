import type { EndFrame, FinishReason, TokenLogprob, TokenLogprobBase } from '@mgm/protocol';

/**
 * The OpenAI answer shapes, built from the platform's frames at the edge. `finish_reason` is
 * `stop` or `length`, or `abort` when the job was cancelled by someone else (an admin stopped
 * the worker's job, or `stop` over socket.io), as vLLM reports an aborted request.
 */
export type OpenAiFinishReason = FinishReason;

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

/** Prompt tokens are the text tokens plus the visual embeddings (what the prompt takes of the context). */
export function usageOf(end: EndFrame): Usage {
  const prompt = end.tokens.prompt + end.tokens.visual;
  return { prompt_tokens: prompt, completion_tokens: end.tokens.generated, total_tokens: prompt + end.tokens.generated };
}

/** OpenAI's `logprobs` of a choice: null unless asked for. */
export type ChoiceLogprobs = { content: OpenAiTokenLogprob[]; refusal: null } | null;
type OpenAiTokenLogprobBase = { token: string; logprob: number; bytes: number[] };
type OpenAiTokenLogprob = OpenAiTokenLogprobBase & { top_logprobs: OpenAiTokenLogprobBase[] };

export function choiceLogprobs(entries: readonly TokenLogprob[] | null): ChoiceLogprobs {
  if (entries === null) return null;
  const base = (e: TokenLogprobBase): OpenAiTokenLogprobBase => ({ token: e.token, logprob: e.logprob, bytes: e.bytes });
  return { content: entries.map((e) => ({ ...base(e), top_logprobs: e.top.map(base) })), refusal: null };
}

export function chatCompletion(identity: CompletionIdentity, text: string, end: EndFrame, logprobs: ChoiceLogprobs = null) {
  return {
    id: identity.id,
    object: 'chat.completion' as const,
    created: identity.created,
    model: identity.model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: text, refusal: null },
        logprobs,
        finish_reason: end.finishReason,
      },
    ],
    usage: usageOf(end),
  };
}

type ChunkChoice = { index: 0; delta: { role?: 'assistant'; content?: string }; logprobs: ChoiceLogprobs; finish_reason: OpenAiFinishReason | null };

/** One `chat.completion.chunk`; with include_usage every chunk carries `usage: null` but the last. */
export function chatChunk(identity: CompletionIdentity, choices: ChunkChoice[], includeUsage: boolean, usage: Usage | null = null) {
  return {
    id: identity.id,
    object: 'chat.completion.chunk' as const,
    created: identity.created,
    model: identity.model,
    system_fingerprint: null,
    choices,
    ...(includeUsage ? { usage } : {}),
  };
}

export const roleChoice = (): ChunkChoice => ({ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null });
export const contentChoice = (content: string, logprobs: ChoiceLogprobs = null): ChunkChoice => ({ index: 0, delta: { content }, logprobs, finish_reason: null });
export const finishChoice = (reason: OpenAiFinishReason): ChunkChoice => ({ index: 0, delta: {}, logprobs: null, finish_reason: reason });

/** One server-sent event carrying JSON (or the `[DONE]` marker). */
export function sseData(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}
