import type { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndFrame, RedisKeys, StreamFrame } from '@mgm/protocol';
import { connect, readFramesUntilEnd, startTestWorker, testNamespace, waitFor, type TestWorker } from '@mgm/worker/testing';
import { makePng } from './make-png.ts';
import { startTestController, type TestController } from './test-controller.ts';

const ADMIN_TOKEN = 'openai-admin-token-0123456789';
const MODEL = 'fake-tiny';
const LONG_QUESTION = 'tell me a long story';

let redis: Redis;
let keys: RedisKeys;
let cleanup: (redis: Redis) => Promise<void>;
let ctl: TestController;
let worker: TestWorker;

beforeAll(async () => {
  redis = connect();
  ({ keys, cleanup } = testNamespace('openai'));
  ctl = await startTestController(keys, {
    admin: { token: ADMIN_TOKEN, defaultMetrics: false },
    openai: { openAccess: false, fetchImages: false },
    maxUploadBytes: 512 * 1024,
  });
  worker = await startTestWorker(keys, {
    name: MODEL,
    workerId: 'oa-1',
    tokenDelayMs: 5,
    concurrency: 2,
    answer: (input) => {
      const question = input.messages.at(-1)?.content ?? '';
      if (question === LONG_QUESTION) return Array.from({ length: 300 }, (_, i) => `word${i} `).join('');
      return `answer to ${question}${input.image ? ` [image ${input.image.length} bytes]` : ''}`;
    },
  });
  await waitFor(async () => (await ctl.controller.registry.list()).find((w) => w.id === 'oa-1' && w.state === 'ready'), 'the worker');
});

afterAll(async () => {
  await worker.close();
  await ctl.close();
  await cleanup(redis);
  await redis.quit();
});

async function createKey(name: string, limits: Record<string, number> = {}): Promise<{ key: string; id: string }> {
  const res = await fetch(`${ctl.url}/api/admin/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, limits }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { key: string; id: string };
}

function client(apiKey: string, baseURL = `${ctl.url}/v1`): OpenAI {
  return new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: 20_000 });
}

function dataUrl(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

async function endFrameOf(completionId: string): Promise<EndFrame> {
  const frames = await readFramesUntilEnd(redis, keys, completionId.replace(/^chatcmpl-/, ''));
  const end = frames.at(-1) as StreamFrame;
  if (end.type !== 'end') throw new Error(`expected an end frame, got ${JSON.stringify(end)}`);
  return end;
}

/** A raw POST with a key: status, headers and the parsed error body. */
async function post(apiKey: string | null, body: unknown, path = '/v1/chat/completions') {
  const res = await fetch(`${ctl.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as { error: { message: string; type: string; param: string | null; code: string | null } } };
}

const ask = (content: string, extra: Record<string, unknown> = {}) =>
  ({ model: MODEL, messages: [{ role: 'user', content }], ...extra }) as OpenAI.ChatCompletionCreateParamsNonStreaming;

describe('OpenAI API over the fake worker', () => {
  let key: string;
  beforeAll(async () => {
    ({ key } = await createKey('main'));
  });

  it('lists the live models with the platform extras under "mgm"', async () => {
    const models = await client(key).models.list();
    expect(models.data).toEqual([
      expect.objectContaining({ id: MODEL, object: 'model', owned_by: 'mgm-serve', created: expect.any(Number), mgm: expect.objectContaining({ displayName: 'FAKE-TINY', contextLength: 512, template: 'vicuna_v1' }) }),
    ]);
    expect((await client(key).models.retrieve(MODEL)).id).toBe(MODEL);
  });

  it('answers a question with a data: image, whole, as the job ended', async () => {
    const png = makePng(20, 16, [200, 40, 40]);
    const completion = await client(key).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is it?' }, { type: 'image_url', image_url: { url: dataUrl(png) } }] }],
      temperature: 0,
    });
    const end = await endFrameOf(completion.id);
    expect(end.text).toMatch(/^answer to What is it\? \[image \d+ bytes\]$/);
    expect(completion).toMatchObject({ object: 'chat.completion', model: MODEL, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: end.text } }] });
    expect(completion.usage).toEqual({
      prompt_tokens: end.tokens.prompt + end.tokens.visual,
      completion_tokens: end.tokens.generated,
      total_tokens: end.tokens.prompt + end.tokens.visual + end.tokens.generated,
    });
    expect(end.tokens.visual).toBeGreaterThan(0);
  });

  it('streams chunks and a usage chunk (stream_options.include_usage)', async () => {
    const stream = await client(key).chat.completions.create({ ...ask('Where is the circle?'), stream: true, stream_options: { include_usage: true } } as OpenAI.ChatCompletionCreateParamsStreaming);
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const end = await endFrameOf(chunks[0]!.id);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(end.text);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: end.tokens.prompt + end.tokens.visual, completion_tokens: end.tokens.generated, total_tokens: end.tokens.prompt + end.tokens.visual + end.tokens.generated });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('gives the worker the system prompt, the stop strings, the sampling parameters and an uploaded image (mgm-image:)', async () => {
    const upload = await fetch(`${ctl.url}/api/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: makePng(8, 8, [1, 2, 3]) });
    const { imageId } = (await upload.json()) as { imageId: string };
    const completion = await client(key).chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'First?' },
        { role: 'assistant', content: 'One.' },
        { role: 'user', content: [{ type: 'text', text: 'Second?' }, { type: 'image_url', image_url: { url: `mgm-image:${imageId}` } }] },
      ],
      stop: 'zzz',
      seed: 7,
      top_p: 0.5,
      temperature: 0.3,
      max_completion_tokens: 40,
      top_k: 5,
      repetition_penalty: 1.1,
      image_mode: 'pad',
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(completion.choices[0]!.message.content).toMatch(/^answer to Second\?/);
    const call = worker.model.calls.at(-1)!;
    expect(call.system).toBe('Be brief.');
    expect(call.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(call.imageMode).toBe('pad');
    expect(call.image).not.toBeNull();
    expect(call.params).toMatchObject({ stop: ['zzz'], seed: 7, topP: 0.5, temperature: 0.3, maxNewTokens: 40, topK: 5, repetitionPenalty: 1.1 });
  });

  it('ends with finish_reason length at max_tokens', async () => {
    const completion = await client(key).chat.completions.create({ ...ask(LONG_QUESTION), max_tokens: 3 } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(completion.choices[0]!.finish_reason).toBe('length');
    expect(completion.usage!.completion_tokens).toBe(3);
  });

  it('writes the SSE wire format as OpenAI does, line by line', async () => {
    const res = await fetch(`${ctl.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(ask('Wire?', { stream: true, stream_options: { include_usage: true } })),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const raw = await res.text();
    expect(raw.endsWith('data: [DONE]\n\n')).toBe(true);
    const events = raw.split('\n\n');
    expect(events.pop()).toBe('');
    for (const event of events) expect(event).toMatch(/^data: [^\n]+$/);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)) as Record<string, unknown>);
    const id = chunks[0]!.id as string;
    expect(id).toMatch(/^chatcmpl-/);
    for (const chunk of chunks) {
      expect(Object.keys(chunk)).toEqual(['id', 'object', 'created', 'model', 'system_fingerprint', 'choices', 'usage']);
      expect(chunk).toMatchObject({ id, object: 'chat.completion.chunk', model: MODEL, created: chunks[0]!.created });
    }
    expect(chunks[0]!.choices).toEqual([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
    const content = chunks.slice(1, -2);
    expect(content.length).toBeGreaterThan(0);
    for (const chunk of content) {
      expect(chunk.choices).toEqual([{ index: 0, delta: { content: expect.any(String) }, logprobs: null, finish_reason: null }]);
      expect(chunk.usage).toBeNull();
    }
    expect(chunks.at(-2)!.choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
    expect(chunks.at(-1)!.choices).toEqual([]);
    const end = await endFrameOf(id);
    expect(content.map((c) => (c.choices as [{ delta: { content: string } }])[0].delta.content).join('')).toBe(end.text);
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: end.tokens.prompt + end.tokens.visual, completion_tokens: end.tokens.generated, total_tokens: end.tokens.prompt + end.tokens.visual + end.tokens.generated });
  });

  it('cancels the job when the client aborts mid-stream, and the worker is free at once', async () => {
    const stream = await client(key).chat.completions.create({ ...ask(LONG_QUESTION), stream: true, max_tokens: 300 } as OpenAI.ChatCompletionCreateParamsStreaming);
    let id = '';
    let received = 0;
    for await (const chunk of stream) {
      id = chunk.id;
      if (chunk.choices[0]?.delta.content) received += 1;
      if (received >= 2) {
        stream.controller.abort();
        break;
      }
    }
    const end = await endFrameOf(id);
    expect(end.finishReason).toBe('abort');
    expect(end.tokens.generated).toBeLessThan(300);
    await waitFor(async () => (await ctl.controller.registry.list()).find((w) => w.id === 'oa-1' && w.inFlight === 0), 'the worker to be free');
    const next = await client(key).chat.completions.create(ask('Next?'));
    expect(next.choices[0]!.message.content).toBe('answer to Next?');
  });

  it('cancels a non-streaming job whose client went away', async () => {
    const jobsBefore = new Set((await redis.keys(`${keys.prefix}:job:*:meta`)).map(String));
    const abort = new AbortController();
    const request = client(key).chat.completions.create({ ...ask(LONG_QUESTION), max_tokens: 300 } as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal: abort.signal });
    const metaKey = await waitFor(async () => (await redis.keys(`${keys.prefix}:job:*:meta`)).find((k) => !jobsBefore.has(k)), 'the job');
    const jobId = metaKey.split(':').at(-2)!;
    await waitFor(async () => (await redis.xlen(keys.jobStream(jobId))) >= 2, 'the first tokens');
    abort.abort();
    await expect(request).rejects.toThrow();
    const frames = await readFramesUntilEnd(redis, keys, jobId);
    expect(frames.at(-1)).toMatchObject({ type: 'end', finishReason: 'abort' });
  });

  it('answers every error in OpenAI\'s shape with its status', async () => {
    const png = dataUrl(makePng(4, 4, [0, 0, 0]));
    const cases: Array<[string, unknown, number, string | null, string | null]> = [
      ['wrong type', ask('x', { temperature: 'hot' }), 400, null, 'temperature'],
      ['out of range', ask('x', { top_p: 0 }), 400, null, 'top_p'],
      ['n > 1', ask('x', { n: 2 }), 400, null, 'n'],
      ['top_logprobs alone', ask('x', { top_logprobs: 2 }), 400, null, 'top_logprobs'],
      ['top_logprobs > 20', ask('x', { logprobs: true, top_logprobs: 21 }), 400, null, 'top_logprobs'],
      ['second image', { model: MODEL, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: png } }, { type: 'image_url', image_url: { url: png } }] }] }, 400, 'too_many_images', 'messages.[0].content.[1].image_url.url'],
      ['http image', { model: MODEL, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }] }, 400, 'image_url_not_allowed', 'messages.[0].content.[1].image_url.url'],
      ['image only', { model: MODEL, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: png } }] }] }, 400, null, 'messages'],
      ['not an image', { model: MODEL, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${Buffer.from('not a png at all').toString('base64')}` } }] }] }, 400, 'invalid_image', null],
      ['tool role', { model: MODEL, messages: [{ role: 'user', content: 'x' }, { role: 'tool', content: 'y', tool_call_id: 'a' }] }, 400, null, 'messages.[1].role'],
      ['turns', { model: MODEL, messages: [{ role: 'assistant', content: 'x' }] }, 400, null, 'messages'],
      ['bad JSON', '{"model":', 400, null, null],
      ['unknown model', ask('x', { model: 'no-such-model' }), 404, 'model_not_found', 'model'],
      ['image too large', { model: MODEL, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(800 * 1024)}` } }] }] }, 413, 'image_too_large', null],
    ];
    for (const [what, body, status, code, param] of cases) {
      const res = await post(key, body);
      expect({ what, status: res.status }).toEqual({ what, status });
      expect(res.body.error).toMatchObject({ message: expect.any(String), type: expect.any(String), code, param });
    }
    const unknownUrl = await post(key, {}, '/v1/completions');
    expect([unknownUrl.status, unknownUrl.body.error.code]).toEqual([404, 'unknown_url']);
    // Unknown fields are ignored, as OpenAI ignores them.
    expect((await post(key, ask('x', { frobnicate: true, response_format: { type: 'text' } }))).status).toBe(200);
    await expect(client(key).chat.completions.create({ ...ask('x'), temperature: 9 } as OpenAI.ChatCompletionCreateParamsNonStreaming)).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(client(key).chat.completions.create(ask('x', { model: 'nope' }) as OpenAI.ChatCompletionCreateParamsNonStreaming)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('lets browsers call it from any origin (CORS preflight with the SDK headers)', async () => {
    const preflight = await fetch(`${ctl.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://chat.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-stainless-os, x-evil' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-stainless-os');
    expect((await post(key, ask('x'))).headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers 503 while every worker of the model is paused', async () => {
    await worker.worker.pause();
    try {
      await waitFor(async () => (await ctl.controller.registry.list()).find((w) => w.id === 'oa-1' && w.state === 'paused'), 'the pause');
      const res = await post(key, ask('x'));
      expect([res.status, res.body.error.type]).toEqual([503, 'service_unavailable']);
    } finally {
      await worker.worker.resume();
      await waitFor(async () => (await ctl.controller.registry.list()).find((w) => w.id === 'oa-1' && w.state === 'ready'), 'the resume');
    }
  });
});

describe('API keys', () => {
  it('refuses a missing, wrong or revoked key with 401', async () => {
    const missing = await post(null, ask('x'));
    expect([missing.status, missing.body.error.code, missing.headers.get('www-authenticate')]).toEqual([401, 'missing_api_key', 'Bearer realm="mgm-openai"']);
    const wrong = await post('sk-mgm-not-a-key', ask('x'));
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'invalid_api_key']);
    await expect(client('sk-mgm-nope').models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    const { key, id } = await createKey('to-revoke');
    expect((await post(key, ask('x'))).status).toBe(200);
    const revoke = await fetch(`${ctl.url}/api/admin/api-keys/${id}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(revoke.status).toBe(200);
    const revoked = await post(key, ask('x'));
    expect([revoked.status, revoked.body.error.message]).toEqual([401, 'This API key was revoked.']);
  });

  it('keeps keys as hashes, shows a key once, and counts its use', async () => {
    const { key, id } = await createKey('counted');
    const completion = await client(key).chat.completions.create(ask('Count me'));
    const listed = await fetch(`${ctl.url}/api/admin/api-keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const text = await listed.text();
    expect(text).not.toContain(key);
    const view = (JSON.parse(text) as { keys: Array<Record<string, unknown>> }).keys.find((k) => k.id === id)!;
    expect(view).toMatchObject({
      name: 'counted',
      lastUsedAt: expect.any(Number),
      revokedAt: null,
      usage: { requests: 1, promptTokens: completion.usage!.prompt_tokens, completionTokens: completion.usage!.completion_tokens },
    });
    const stored = await redis.keys(`${keys.prefix}:apikey*`);
    for (const k of stored) {
      const type = await redis.type(k);
      const values = type === 'hash' ? Object.values(await redis.hgetall(k)) : type === 'string' ? [await redis.get(k)] : [];
      expect(values.join(' ')).not.toContain(key);
    }
    expect((await fetch(`${ctl.url}/api/admin/api-keys`)).status).toBe(401);
  });

  it('answers 429 with Retry-After over requests per minute', async () => {
    const { key } = await createKey('rpm', { requestsPerMinute: 2 });
    expect((await post(key, ask('x'))).status).toBe(200);
    expect((await post(key, ask('x'))).status).toBe(200);
    const refused = await post(key, ask('x'));
    expect([refused.status, refused.body.error.type, refused.body.error.code]).toEqual([429, 'rate_limit_error', 'rate_limit_exceeded']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    await expect(client(key).chat.completions.create(ask('x') as OpenAI.ChatCompletionCreateParamsNonStreaming)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('answers 429 over concurrent requests, and frees the slot when the answer ends', async () => {
    const { key, id } = await createKey('concurrent', { concurrentRequests: 1 });
    const first = client(key).chat.completions.create({ ...ask(LONG_QUESTION), max_tokens: 60 } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await waitFor(async () => (await redis.zcard(`${keys.prefix}:apikey-limit:${id}:inflight`)) === 1, 'the first request to be admitted');
    const refused = await post(key, ask('x'));
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([429, '1']);
    await first;
    expect((await post(key, ask('x'))).status).toBe(200);
  });

  it('answers 429 once the tokens of the minute are spent', async () => {
    const { key } = await createKey('tpm', { tokensPerMinute: 3 });
    expect((await post(key, ask('x'))).status).toBe(200);
    const refused = await post(key, ask('x'));
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toContain('tokens per minute');
  });

  it('shows the traffic per key and per model in /metrics', async () => {
    const { key, id } = await createKey('metered');
    await client(key).chat.completions.create(ask('Metered'));
    const metrics = await (await fetch(`${ctl.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    expect(metrics).toContain(`mgm:api_requests_total{key="${id}",model="${MODEL}",status="200"} 1`);
    expect(metrics).toMatch(new RegExp(`mgm:api_tokens_total\\{key="${id}",model="${MODEL}",kind="completion"\\} [1-9]`));
  });
});

describe('open mode and image fetching', () => {
  let open: TestController;
  beforeAll(async () => {
    open = await startTestController(keys, { admin: { token: null, defaultMetrics: false }, openai: { openAccess: true, fetchImages: true } });
  });
  afterAll(async () => {
    await open.close();
  });

  it('serves requests without a key in open mode (the local demo)', async () => {
    const completion = await client('unused', `${open.url}/v1`).chat.completions.create(ask('Open?'));
    expect(completion.choices[0]!.message.content).toBe('answer to Open?');
    const res = await fetch(`${open.url}/v1/models`);
    expect(res.status).toBe(200);
  });

  it('refuses image URLs on loopback and private addresses even when fetching is on', async () => {
    for (const url of [`${open.url}/api/images/x.png`, 'http://10.0.0.1/a.png', 'http://[::1]/a.png', 'http://localhost/a.png']) {
      const res = await fetch(`${open.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url } }] }] }),
      });
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect({ url, status: res.status, code: body.error.code }).toEqual({ url, status: 400, code: 'invalid_image_url' });
      expect(body.error.message).toContain('private or loopback');
    }
  });
});
