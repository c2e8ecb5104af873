import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MgmTokenizer } from '@mgm/engine';
import type { RedisKeys } from '@mgm/protocol';
import { type RealWorker, startRealWorker } from './spawn-real-worker.ts';
import { type ControllerTestStack, startControllerTestStack, stopControllerTestStack } from './controller-test-stack.ts';
import { type TestController } from './test-controller.ts';

const checkpoint = fileURLToPath(new URL('../../../models/mgm-tiny', import.meta.url));
const evalDir = fileURLToPath(new URL('../../../models/eval/', import.meta.url));
const ADMIN_TOKEN = 'openai-real-admin-token-0123456789';

interface GreedyReference {
  model: string;
  id: string;
  image: string;
  messages: Array<{ role: 'user' | 'assistant'; content: string }>;
  prompt_ids: number[];
  output_ids: number[];
  output_text: string;
}

let stack: ControllerTestStack;
let redis: Redis;
let keys: RedisKeys;
let prefix: string;
let ctl: TestController;
let worker: RealWorker | undefined;
let api: OpenAI;
let references: GreedyReference[];
let visualTokens: number;
let tokenizer: MgmTokenizer;
let eosId: number;

beforeAll(async () => {
  // The engine's own greedy answers, written by tools/mgm-tiny next to the checkpoints (whatever they are today).
  const lines = (await readFile(`${evalDir}greedy-reference.jsonl`, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  references = lines.map((l) => JSON.parse(l) as GreedyReference).filter((r) => r.model === 'mgm-tiny').slice(0, 3);
  const manifest = JSON.parse(await readFile(`${checkpoint}/mgm.json`, 'utf8')) as {
    image: { visual_tokens: number };
    files: { tokenizer: string };
    special_tokens: { eos_id: number };
  };
  visualTokens = manifest.image.visual_tokens;
  eosId = manifest.special_tokens.eos_id;
  tokenizer = await MgmTokenizer.fromFile(`${checkpoint}/${manifest.files.tokenizer}`);
  stack = await startControllerTestStack('openai-e2e', { admin: { token: ADMIN_TOKEN, defaultMetrics: false }, openai: { openAccess: false, fetchImages: false } });
  ({ redis, keys, prefix, ctl } = stack);
  worker = await startRealWorker(ctl, { checkpoint, id: 'real-oa', prefix });
  const created = await fetch(`${ctl.url}/api/admin/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'e2e' }),
  });
  const { key } = (await created.json()) as { key: string };
  api = new OpenAI({ apiKey: key, baseURL: `${ctl.url}/v1`, maxRetries: 0, timeout: 60_000 });
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  await stopControllerTestStack(stack);
});

/** The reference conversation as OpenAI messages, the image (a data: URL) with the first question. */
async function openAiMessages(reference: GreedyReference): Promise<OpenAI.ChatCompletionMessageParam[]> {
  const png = await readFile(`${evalDir}${reference.image}`);
  const url = `data:image/png;base64,${png.toString('base64')}`;
  return reference.messages.map((m, i) =>
    i === 0
      ? { role: 'user' as const, content: [{ type: 'text' as const, text: m.content }, { type: 'image_url' as const, image_url: { url } }] }
      : m.role === 'user'
        ? { role: 'user' as const, content: m.content }
        : { role: 'assistant' as const, content: m.content },
  );
}

/** The text of the reference tokens as the engine streams it: from the first visible character. */
function expectedText(reference: GreedyReference): string {
  return tokenizer.decode(reference.output_ids.filter((id) => id !== eosId), { skipSpecial: true }).trimStart();
}

function expectedUsage(reference: GreedyReference) {
  // prompt_ids holds the image placeholder (-200) where the visual embeddings go.
  const prompt = reference.prompt_ids.filter((id) => id >= 0).length + visualTokens;
  return { prompt_tokens: prompt, completion_tokens: reference.output_ids.length, total_tokens: prompt + reference.output_ids.length };
}

describe('the OpenAI API with the real engine (mgm-tiny, greedy)', () => {
  it('answers token-exact with the greedy reference, whole', async () => {
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) {
      const completion = await api.chat.completions.create({ model: 'mgm-tiny', messages: await openAiMessages(reference), temperature: 0, max_tokens: 64 });
      expect({ id: reference.id, text: completion.choices[0]!.message.content }).toEqual({ id: reference.id, text: expectedText(reference) });
      expect(completion.choices[0]!.message.content).toBe(reference.output_text);
      expect(completion.choices[0]!.finish_reason).toBe('stop');
      expect(completion.usage).toEqual(expectedUsage(reference));
    }
  });

  it('streams the same tokens, with the usage chunk', async () => {
    for (const reference of references) {
      const stream = await api.chat.completions.create({
        model: 'mgm-tiny',
        messages: await openAiMessages(reference),
        temperature: 0,
        max_tokens: 64,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let finish: string | null = null;
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      expect({ id: reference.id, text }).toEqual({ id: reference.id, text: expectedText(reference) });
      expect(finish).toBe('stop');
      expect(usage).toEqual(expectedUsage(reference));
    }
  });

  it('returns each token\'s log-probability from the engine\'s logits (greedy: the most likely token), whole and streamed', async () => {
    const reference = references[0]!;
    const params = { model: 'mgm-tiny', messages: await openAiMessages(reference), temperature: 0, max_tokens: 64, logprobs: true, top_logprobs: 3 };
    const completion = await api.chat.completions.create(params);
    const content = completion.choices[0]!.logprobs!.content!;
    // Every generated token but the final stop token, spelling the answer byte for byte (the
    // tokens keep the first one's leading blank, which the answer's text drops, as MGM strips it).
    expect(content).toHaveLength(reference.output_ids.length - 1);
    expect(Buffer.from(content.flatMap((e) => e.bytes!)).toString('utf8').trimStart()).toBe(completion.choices[0]!.message.content);
    for (const entry of content) {
      expect(entry.top_logprobs).toHaveLength(3);
      expect(entry.top_logprobs[0]!.token).toBe(entry.token);
      expect(entry.logprob).toBeCloseTo(entry.top_logprobs[0]!.logprob, 5);
      expect(entry.logprob).toBeLessThanOrEqual(0);
    }
    const stream = await api.chat.completions.create({ ...params, stream: true });
    const streamed: OpenAI.ChatCompletionTokenLogprob[] = [];
    for await (const chunk of stream) streamed.push(...(chunk.choices[0]?.logprobs?.content ?? []));
    expect(streamed).toEqual(content);
  });
});
