import { describe, expect, it } from 'vitest';
import { MgmTokenizer, loadModel, renderGenerationPrompt, tokenizePrompt } from '../src/index.ts';
import { loadFixture } from './fixture-checkpoint.ts';
import path from 'node:path';

const QUESTIONS = { 'micro-mgm': 'What is in the picture?', 'micro-hd': 'How many shapes are there?' } as const;

describe.each(['micro-mgm', 'micro-hd'] as const)('%s: ONNX prefill + KV-cache decode vs PyTorch', (name) => {
  it('renders and tokenizes the prompt exactly as the Python reference', async () => {
    const { dir, ref } = await loadFixture(name);
    const model = await loadModel(dir);
    const prompt = renderGenerationPrompt(model.manifest.template, [{ role: 'user', content: QUESTIONS[name] }], true);
    expect(prompt).toBe(ref.prompt);
    const tokenizer = await MgmTokenizer.fromFile(path.join(dir, 'tokenizer.json'));
    const tokens = tokenizePrompt(prompt, tokenizer, model.manifest.special_tokens);
    expect(tokens.ids).toEqual(ref.prompt_ids);
    expect(tokens.imageAt).toBe(ref.image_at);
    await model.close();
  });

  it('reproduces the PyTorch greedy ids token for token and streams the same text', async () => {
    const { dir, ref, image } = await loadFixture(name);
    const model = await loadModel(dir);
    const stream = model.generate({
      messages: [{ role: 'user', content: QUESTIONS[name] }],
      image,
      params: { temperature: 0, maxNewTokens: ref.output_ids.length },
    });
    const deltas: string[] = [];
    for await (const d of stream) deltas.push(d);
    const result = await stream.result;
    expect(result.outputIds).toEqual(ref.output_ids);
    expect(result.finishReason).toBe(ref.output_ids.at(-1) === 2 ? 'stop' : 'length');
    expect(result.text).toBe(ref.output_text);
    expect(deltas.join('')).toBe(result.text);
    expect(result.tokens).toEqual({
      prompt: ref.prompt_ids.length,
      visual: model.info.visualTokens,
      generated: ref.output_ids.length,
    });
    await model.close();
  });
});
