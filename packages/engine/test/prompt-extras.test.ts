import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenLogprob } from '@mgm/protocol';
import { type MgmModel, MgmTokenizer, loadModel, tokenizePrompt } from '../src/index.ts';
import { loadFixture } from './fixture-checkpoint.ts';

const Q = [{ role: 'user' as const, content: 'What is in the picture?' }];

// The decoder is fed exactly the prompt renderGenerationPrompt gives with the request's extras:
// the prompt token count of a real generation equals that prompt's tokenisation.
describe('OCR text and <GEN> reach the decoder', () => {
  let model: MgmModel;
  let fixture: Awaited<ReturnType<typeof loadFixture>>;
  let tokenizer: MgmTokenizer;
  beforeAll(async () => {
    fixture = await loadFixture('micro-mgm');
    model = await loadModel(fixture.dir);
    tokenizer = await MgmTokenizer.fromFile(`${fixture.dir}/${model.manifest.files.tokenizer}`);
  });
  afterAll(async () => {
    await model.close();
  });

  it.each([
    { ocrText: null, generateImage: false },
    { ocrText: '641, STOP', generateImage: false },
    { ocrText: '641', generateImage: true },
  ])('prompt tokens match the rendered prompt (%o)', async (extras) => {
    const req = { messages: Q, image: fixture.image, ...extras };
    const prompt = model.renderPrompt(req);
    if (extras.ocrText) expect(prompt).toContain(`What is in the picture?${extras.generateImage ? ' <GEN>' : ''}\nReference OCR Token: ${extras.ocrText}\n`);
    const expected = tokenizePrompt(prompt, tokenizer, model.manifest.special_tokens).ids.length;
    const r = await model.generate({ ...req, params: { temperature: 0, maxNewTokens: 1 } }).result;
    expect(r.tokens.prompt).toBe(expected);
  });

  it('OCR text makes the prompt longer than without it', async () => {
    const base = await model.generate({ messages: Q, image: fixture.image, params: { maxNewTokens: 1 } }).result;
    const withOcr = await model.generate({ messages: Q, image: fixture.image, ocrText: '641', params: { maxNewTokens: 1 } }).result;
    expect(withOcr.tokens.prompt).toBeGreaterThan(base.tokens.prompt);
  });
});

describe('a system prompt and extra stop strings reach the generation', () => {
  let model: MgmModel;
  let fixture: Awaited<ReturnType<typeof loadFixture>>;
  let tokenizer: MgmTokenizer;
  beforeAll(async () => {
    fixture = await loadFixture('micro-mgm');
    model = await loadModel(fixture.dir);
    tokenizer = await MgmTokenizer.fromFile(`${fixture.dir}/${model.manifest.files.tokenizer}`);
  });
  afterAll(async () => {
    await model.close();
  });

  it('tokenises the prompt with the replacement system prompt', async () => {
    const req = { messages: Q, image: fixture.image, system: 'Be brief.' };
    const prompt = model.renderPrompt(req);
    expect(prompt).toContain('Be brief.');
    expect(prompt).not.toContain(model.renderPrompt({ messages: Q, image: fixture.image }).split(' USER:')[0]);
    const expected = tokenizePrompt(prompt, tokenizer, model.manifest.special_tokens).ids.length;
    const r = await model.generate({ ...req, params: { temperature: 0, maxNewTokens: 1 } }).result;
    expect(r.tokens.prompt).toBe(expected);
  });

  it('ends the answer before a stop string of the request, with finish reason stop', async () => {
    const params = { temperature: 0, maxNewTokens: 24 };
    const full = await model.generate({ messages: Q, image: fixture.image, params }).result;
    // A stop string taken from the middle of the greedy answer (whatever the checkpoint says).
    const at = Math.floor(full.text.length / 2);
    const stop = full.text.slice(at, at + 3);
    expect(stop.length).toBe(3);
    const expected = full.text.slice(0, full.text.indexOf(stop));
    const stopped = await model.generate({ messages: Q, image: fixture.image, params: { ...params, stop: [stop] } }).result;
    expect(stopped.text).toBe(expected);
    expect(stopped.finishReason).toBe('stop');
  });
});

describe('token log-probabilities (params.logprobs)', () => {
  let model: MgmModel;
  let fixture: Awaited<ReturnType<typeof loadFixture>>;
  beforeAll(async () => {
    fixture = await loadFixture('micro-mgm');
    model = await loadModel(fixture.dir);
  });
  afterAll(async () => {
    await model.close();
  });

  it('reports every shown token of a greedy answer as the most likely one, spelling the answer', async () => {
    const entries: TokenLogprob[] = [];
    const generation = model.generate({ messages: Q, image: fixture.image, params: { temperature: 0, maxNewTokens: 16, logprobs: 3 } }, { onLogprobs: (e) => entries.push(e) });
    const result = await generation.result;
    const stopToken = result.finishReason === 'stop' ? 1 : 0;
    expect(entries.length).toBe(result.outputIds.length - stopToken);
    // A token may hold part of a character: its bytes, not its text, add up to the answer.
    expect(new TextDecoder().decode(new Uint8Array(entries.flatMap((e) => e.bytes)))).toBe(result.text);
    for (const entry of entries) {
      expect(entry.top).toHaveLength(3);
      expect(entry.top[0]!.token).toBe(entry.token);
      expect(entry.logprob).toBeCloseTo(entry.top[0]!.logprob, 6);
      expect(entry.logprob).toBeLessThanOrEqual(0);
      expect(entry.top[1]!.logprob).toBeLessThanOrEqual(entry.top[0]!.logprob);
      expect(new TextDecoder().decode(new Uint8Array(entry.bytes))).toBe(entry.token);
    }
  });

  it('reports nothing unless asked', async () => {
    const entries: TokenLogprob[] = [];
    await model.generate({ messages: Q, image: fixture.image, params: { temperature: 0, maxNewTokens: 4 } }, { onLogprobs: (e) => entries.push(e) }).result;
    expect(entries).toEqual([]);
  });
});
