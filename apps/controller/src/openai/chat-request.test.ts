import { describe, expect, it } from 'vitest';
import { parseChatRequest } from './chat-request.ts';
import { OpenAiError } from './openai-error.ts';

const base = { model: 'mgm-tiny', messages: [{ role: 'user', content: 'Hi?' }] };

function refusal(body: unknown): OpenAiError {
  try {
    parseChatRequest(body);
  } catch (error) {
    if (error instanceof OpenAiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseChatRequest', () => {
  it('keeps the platform defaults where OpenAI fields are absent and maps the ones given', () => {
    const r = parseChatRequest(base);
    expect(r).toMatchObject({ model: 'mgm-tiny', system: undefined, image: null, stream: false, includeUsage: false, imageMode: 'default' });
    expect(r.params).toEqual({ temperature: 0.2, topP: 0.7, topK: 0, repetitionPenalty: 1, maxNewTokens: 512 });
    const mapped = parseChatRequest({ ...base, temperature: 0, top_p: 1, max_tokens: 9, max_completion_tokens: 7, stop: 'END', seed: 3, n: 1, logprobs: false, user: 'u1', stream: true, stream_options: { include_usage: true } });
    expect(mapped.params).toMatchObject({ temperature: 0, topP: 1, maxNewTokens: 7, stop: ['END'], seed: 3 });
    expect(mapped).toMatchObject({ stream: true, includeUsage: true, user: 'u1' });
    expect(parseChatRequest({ ...base, temperature: null, stop: null }).params.temperature).toBe(0.2);
    expect(parseChatRequest({ ...base, logprobs: true, top_logprobs: 2 }).params.logprobs).toBe(2);
    expect(parseChatRequest({ ...base, logprobs: true }).params.logprobs).toBe(0);
    expect(parseChatRequest({ ...base, logprobs: false }).params.logprobs).toBeUndefined();
  });

  it('joins system and developer messages into the system prompt and text parts into the turn', () => {
    const r = parseChatRequest({
      model: 'm',
      messages: [
        { role: 'system', content: 'One.' },
        { role: 'developer', content: [{ type: 'text', text: 'Two.' }] },
        { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } }, { type: 'text', text: 'b' }] },
        { role: 'assistant', content: null },
        { role: 'user', content: 'c' },
      ],
    });
    expect(r.system).toBe('One.\n\nTwo.');
    expect(r.messages).toEqual([{ role: 'user', content: 'a\nb' }, { role: 'assistant', content: '' }, { role: 'user', content: 'c' }]);
    expect(r.image).toEqual({ url: 'data:image/png;base64,AA==', param: 'messages.[2].content.[1].image_url.url' });
  });

  it('refuses what it cannot do with 400 and the parameter at fault', () => {
    expect(refusal({ ...base, n: 3 })).toMatchObject({ status: 400, param: 'n' });
    expect(refusal({ ...base, top_logprobs: 2 })).toMatchObject({ status: 400, param: 'top_logprobs' });
    expect(refusal({ ...base, stop: ['a', 'b', 'c', 'd', 'e'] })).toMatchObject({ status: 400, param: 'stop' });
    expect(refusal({ ...base, seed: -1 })).toMatchObject({ status: 400, param: 'seed' });
    expect(refusal({ ...base, max_tokens: 0 })).toMatchObject({ status: 400, param: 'max_tokens' });
    expect(refusal({ ...base, messages: [{ role: 'user', content: 42 }] })).toMatchObject({ status: 400, param: 'messages.[0].content' });
    expect(refusal({ ...base, messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] })).toMatchObject({ status: 400, param: 'messages' });
    expect(refusal([])).toMatchObject({ status: 400 });
  });
});
