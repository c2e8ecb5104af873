import { z } from 'zod';
import {
  MAX_STOP_CHARS,
  MAX_STOP_STRINGS,
  conversationSchema,
  imageModeSchema,
  samplingParamsSchema,
  systemPromptSchema,
  type ChatMessage,
  type ImageMode,
  type SamplingParams,
} from '@mgm/protocol';
import { invalidRequest } from './openai-error.ts';

const textPartSchema = z.object({ type: z.literal('text'), text: z.string() });
const imagePartSchema = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1, 'the image URL is empty'), detail: z.enum(['auto', 'low', 'high']).nullish() }),
});
const userContentSchema = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPartSchema, imagePartSchema]))]);
const textContentSchema = z.union([z.string(), z.array(textPartSchema)]);
const name = z.string().max(256).nullish();

const messageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: textContentSchema, name }),
  z.object({ role: z.literal('developer'), content: textContentSchema, name }),
  z.object({ role: z.literal('user'), content: userContentSchema, name }),
  z.object({ role: z.literal('assistant'), content: textContentSchema.nullish(), name }),
]);

const tokenLimit = z.number().int().min(1).max(4096);

/**
 * The body of `POST /v1/chat/completions`: OpenAI's fields (unknown ones are ignored, as OpenAI
 * ignores them) plus our documented extras `top_k`, `repetition_penalty` and `image_mode`.
 */
export const chatCompletionRequestSchema = z.object({
  model: z.string().min(1, 'name a model (GET /v1/models lists them)'),
  messages: z.array(messageSchema).min(1, 'the conversation has no message').max(128),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0, 'top_p must be greater than 0 (1 keeps every token)').max(1).nullish(),
  max_tokens: tokenLimit.nullish(),
  max_completion_tokens: tokenLimit.nullish(),
  stop: z
    .union([
      z.string().min(1).max(MAX_STOP_CHARS),
      z.array(z.string().min(1).max(MAX_STOP_CHARS)).max(MAX_STOP_STRINGS, `at most ${MAX_STOP_STRINGS} stop strings`),
    ])
    .nullish(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).nullish(),
  n: z.number().int().nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  user: z.string().max(256).nullish(),
  // Our extras.
  top_k: z.number().int().min(0).max(1000).nullish(),
  repetition_penalty: z.number().min(0.5).max(2).nullish(),
  image_mode: imageModeSchema.nullish(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

/** Where an image of the conversation came from, as the client wrote it. */
export interface ImageReference {
  url: string;
  /** JSON path of the URL, for error messages (`messages.[0].content.[1].image_url.url`). */
  param: string;
}

/** A validated request, in the platform's terms: what one job needs, plus how to answer. */
export interface ChatJobRequest {
  model: string;
  messages: ChatMessage[];
  system: string | undefined;
  image: ImageReference | null;
  imageMode: ImageMode;
  params: SamplingParams;
  stream: boolean;
  includeUsage: boolean;
  user: string | null;
}

/** Validates an OpenAI chat request and turns it into one job's conversation and parameters; 400 when it cannot. */
export function parseChatRequest(body: unknown): ChatJobRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidRequest('the body must be a JSON object');
  const roles = (body as { messages?: unknown }).messages;
  if (Array.isArray(roles)) {
    roles.forEach((m, i) => {
      const role = (m as { role?: unknown } | null)?.role;
      if (role === 'tool' || role === 'function') {
        throw invalidRequest(`messages[${i}]: "${role}" messages are not supported (this API has no tool calling)`, `messages.[${i}].role`);
      }
    });
  }
  const parsed = chatCompletionRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = paramOf(issue.path);
    throw invalidRequest(`${param ? `${param}: ` : ''}${issue.message}`, param || null);
  }
  const req = parsed.data;
  if (req.n !== undefined && req.n !== null && req.n !== 1) throw invalidRequest('n must be 1: this API answers one choice per request', 'n');
  if (req.top_logprobs != null && req.logprobs !== true) throw invalidRequest('top_logprobs needs logprobs: true', 'top_logprobs');

  const systemParts: string[] = [];
  const turns: ChatMessage[] = [];
  let image: ImageReference | null = null;
  req.messages.forEach((message, i) => {
    if (message.role === 'system' || message.role === 'developer') {
      systemParts.push(textOf(message.content));
      return;
    }
    if (message.role === 'assistant') {
      turns.push({ role: 'assistant', content: message.content == null ? '' : textOf(message.content) });
      return;
    }
    if (typeof message.content === 'string') {
      turns.push({ role: 'user', content: message.content });
      return;
    }
    const texts: string[] = [];
    message.content.forEach((part, j) => {
      if (part.type === 'text') {
        texts.push(part.text);
        return;
      }
      const param = `messages.[${i}].content.[${j}].image_url.url`;
      if (image !== null) {
        throw invalidRequest('MGM takes one image per conversation: this request has a second image', param, 'too_many_images');
      }
      image = { url: part.image_url.url, param };
    });
    turns.push({ role: 'user', content: texts.join('\n') });
  });

  const conversation = conversationSchema.safeParse(turns);
  if (!conversation.success) {
    const issue = conversation.error.issues[0]!;
    throw invalidRequest(`messages (system messages left out): ${issue.message}`, 'messages');
  }
  const system = systemParts.length > 0 ? systemParts.join('\n\n') : undefined;
  if (system !== undefined && !systemPromptSchema.safeParse(system).success) throw invalidRequest('the system messages are too long', 'messages');

  const stop = req.stop == null ? undefined : typeof req.stop === 'string' ? [req.stop] : req.stop;
  const params = samplingParamsSchema.parse(
    dropNullish({
      temperature: req.temperature,
      topP: req.top_p,
      topK: req.top_k,
      repetitionPenalty: req.repetition_penalty,
      maxNewTokens: req.max_completion_tokens ?? req.max_tokens,
      seed: req.seed,
      stop: stop && stop.length > 0 ? stop : undefined,
      logprobs: req.logprobs === true ? (req.top_logprobs ?? 0) : undefined,
    }),
  );
  return {
    model: req.model,
    messages: conversation.data,
    system,
    image,
    imageMode: req.image_mode ?? 'default',
    params,
    stream: req.stream === true,
    includeUsage: req.stream === true && req.stream_options?.include_usage === true,
    user: req.user ?? null,
  };
}

function textOf(content: string | Array<{ type: 'text'; text: string }>): string {
  return typeof content === 'string' ? content : content.map((p) => p.text).join('\n');
}

/** OpenAI writes parameter paths as `messages.[1].content`. */
function paramOf(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.');
}

function dropNullish(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}
