import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { MgmTokenizer, renderGenerationPrompt, tokenizePrompt } from '../src/index.ts';
import { TEMPLATE_NAMES } from '../src/templates/conversation-templates.ts';
import { loadFixture } from './fixture-checkpoint.ts';

// Each family's bos as its tokenizer names it: llama_3's template text starts with it.
const BOS: Record<string, string> = {
  vicuna_v1: '<s>',
  gemma: '<bos>',
  llama_3: '<|begin_of_text|>',
  mistral_instruct: '<s>',
  chatml_direct: '<|startoftext|>',
};

/** The fixture's BPE with `bos` added as a special token (as every real tokenizer.json has it). */
async function tokenizerWithBos(bos: string): Promise<{ tokenizer: MgmTokenizer; bosId: number }> {
  const fixture = await loadFixture('micro-mgm');
  const json = JSON.parse(await readFile(`${fixture.dir}/tokenizer.json`, 'utf8'));
  const existing = json.added_tokens.find((t: { content: string }) => t.content === bos);
  if (existing) return { tokenizer: new MgmTokenizer(json), bosId: existing.id };
  const bosId = Object.keys(json.model.vocab).length + json.added_tokens.length + 10;
  json.added_tokens.push({ id: bosId, content: bos, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return { tokenizer: new MgmTokenizer(json), bosId };
}

describe('the token ids sent to the model start with one bos, as MGM sends them', () => {
  const messages = [
    { role: 'user' as const, content: 'What is this?' },
    { role: 'assistant' as const, content: 'A red circle.' },
    { role: 'user' as const, content: 'Where is it?' },
  ];
  it.each(TEMPLATE_NAMES)('%s: one bos at the head, with and without an image', async (name) => {
    const bos = BOS[name] ?? '<s>';
    const { tokenizer, bosId } = await tokenizerWithBos(bos);
    const special = { bos, bos_id: bosId, eos: '</s>', eos_id: 2, pad: '<pad>', pad_id: 0, image: '<image>', add_bos: true };
    for (const hasImage of [true, false]) {
      const prompt = renderGenerationPrompt(name, messages, hasImage);
      const { ids, imageAt } = tokenizePrompt(prompt, tokenizer, special);
      // one bos at the head (mistral's later turns open with `<s>[INST]`, as Llama-2's format has it)
      expect(ids[0]).toBe(bosId);
      expect(ids[1]).not.toBe(bosId);
      // MGM's ids: bos, then the prompt's text without a bos of its own, split at the image
      const text = prompt.startsWith(bos) ? prompt.slice(bos.length) : prompt;
      const [before, after] = text.split('<image>');
      const expected = [bosId, ...tokenizer.encode(before ?? '')];
      expect(imageAt).toBe(hasImage ? expected.length : -1);
      if (after !== undefined) expected.push(...tokenizer.encode(after));
      expect(ids).toEqual(expected);
    }
  });

  it('llama_3 renders its bos in the text and still sends it once', async () => {
    const prompt = renderGenerationPrompt('llama_3', messages, true);
    expect(prompt.startsWith('<|begin_of_text|>')).toBe(true);
  });
});
