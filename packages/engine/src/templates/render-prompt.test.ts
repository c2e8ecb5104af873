import { isMgmError } from '@mgm/protocol';
import { describe, expect, it } from 'vitest';
import { getTemplate, renderGenerationPrompt } from './render-prompt.ts';

// Golden strings written out from mgm/conversation.py: each template's system / roles / seps
// and its SeparatorStyle branch of get_prompt(), with the open assistant turn appended.
const VICUNA_SYS =
  "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions.";
const LLAMA3_SYS =
  '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a helpful language and vision assistant. You are able to understand the visual content that the user provides, and assist the user with a variety of tasks using natural language.';
const L3_USER = '<|start_header_id|>user<|end_header_id|>\n\n';
const L3_ASSISTANT = '<|start_header_id|>system<|end_header_id|>\n\n';

const single = [{ role: 'user' as const, content: 'What is this?' }];
const multi = [
  { role: 'user' as const, content: 'What is this?' },
  { role: 'assistant' as const, content: 'A red circle.' },
  { role: 'user' as const, content: 'Where is it?' },
];

const golden: Record<string, { single: string; multi: string; multiNoImage: string }> = {
  vicuna_v1: {
    single: `${VICUNA_SYS} USER: <image>\nWhat is this? ASSISTANT:`,
    multi: `${VICUNA_SYS} USER: <image>\nWhat is this? ASSISTANT: A red circle.</s>USER: Where is it? ASSISTANT:`,
    multiNoImage: `${VICUNA_SYS} USER: What is this? ASSISTANT: A red circle.</s>USER: Where is it? ASSISTANT:`,
  },
  gemma: {
    single: '<start_of_turn>user\n<image>\nWhat is this?<end_of_turn>\n<start_of_turn>model\n',
    multi:
      '<start_of_turn>user\n<image>\nWhat is this?<end_of_turn>\n<start_of_turn>model\nA red circle.<end_of_turn>\n<eos>' +
      '<start_of_turn>user\nWhere is it?<end_of_turn>\n<start_of_turn>model\n',
    multiNoImage:
      '<start_of_turn>user\nWhat is this?<end_of_turn>\n<start_of_turn>model\nA red circle.<end_of_turn>\n<eos>' +
      '<start_of_turn>user\nWhere is it?<end_of_turn>\n<start_of_turn>model\n',
  },
  llama_3: {
    single: `${LLAMA3_SYS}<|eot_id|>${L3_USER}<image>\nWhat is this?<|eot_id|>${L3_ASSISTANT}`,
    multi: `${LLAMA3_SYS}<|eot_id|>${L3_USER}<image>\nWhat is this?<|eot_id|>${L3_ASSISTANT}A red circle.<|eot_id|>${L3_USER}Where is it?<|eot_id|>${L3_ASSISTANT}`,
    multiNoImage: `${LLAMA3_SYS}<|eot_id|>${L3_USER}What is this?<|eot_id|>${L3_ASSISTANT}A red circle.<|eot_id|>${L3_USER}Where is it?<|eot_id|>${L3_ASSISTANT}`,
  },
  mistral_instruct: {
    // "<s>[INST] ..." then ret.lstrip("<s>") strips the leading '<', 's', '>' characters.
    single: '[INST] <image>\nWhat is this? [/INST]',
    multi: '[INST] <image>\nWhat is this? [/INST] A red circle. </s><s>[INST] Where is it? [/INST]',
    multiNoImage: '[INST] What is this? [/INST] A red circle. </s><s>[INST] Where is it? [/INST]',
  },
  chatml_direct: {
    single: '<|im_start|>system\nAnswer the questions.<|im_end|><|im_start|>user\n<image>\nWhat is this?<|im_end|><|im_start|>assistant\n',
    multi:
      '<|im_start|>system\nAnswer the questions.<|im_end|><|im_start|>user\n<image>\nWhat is this?<|im_end|>' +
      '<|im_start|>assistant\nA red circle.<|im_end|><|im_start|>user\nWhere is it?<|im_end|><|im_start|>assistant\n',
    multiNoImage:
      '<|im_start|>system\nAnswer the questions.<|im_end|><|im_start|>user\nWhat is this?<|im_end|>' +
      '<|im_start|>assistant\nA red circle.<|im_end|><|im_start|>user\nWhere is it?<|im_end|><|im_start|>assistant\n',
  },
};

describe.each(Object.keys(golden))('template %s', (name) => {
  const g = golden[name] as (typeof golden)[string];
  it('renders a single turn with an image', () => {
    expect(renderGenerationPrompt(name, single, true)).toBe(g.single);
  });
  it('renders a multi-turn conversation with an image', () => {
    expect(renderGenerationPrompt(name, multi, true)).toBe(g.multi);
  });
  it('renders a multi-turn conversation without an image', () => {
    expect(renderGenerationPrompt(name, multi, false)).toBe(g.multiNoImage);
  });
});

describe('image placeholder handling', () => {
  it('puts <image>\\n first and strips the text of the first message, as MGM does', () => {
    const p = renderGenerationPrompt('vicuna_v1', [{ role: 'user', content: '  describe <image> this\n' }], true);
    expect(p).toBe(`${VICUNA_SYS} USER: <image>\ndescribe  this ASSISTANT:`);
  });
  it('keeps exactly one placeholder: typed ones elsewhere are removed', () => {
    const msgs = [
      { role: 'user' as const, content: '<image> one' },
      { role: 'assistant' as const, content: 'ok' },
      { role: 'user' as const, content: 'two <image>' },
    ];
    expect(renderGenerationPrompt('gemma', msgs, true).split('<image>')).toHaveLength(2);
    expect(renderGenerationPrompt('gemma', msgs, false)).not.toContain('<image>');
  });
});

describe('templates', () => {
  it('rejects an unknown template with TEMPLATE_UNKNOWN', () => {
    try {
      getTemplate('vicuna_v2');
      expect.unreachable();
    } catch (e) {
      expect(isMgmError(e) && e.code).toBe('TEMPLATE_UNKNOWN');
    }
  });
  it('stops each template on its end-of-turn text (llama_3 on <|eot_id|>)', () => {
    expect(getTemplate('vicuna_v1').stopStrings).toEqual(['</s>']);
    expect(getTemplate('gemma').stopStrings).toEqual(['<end_of_turn>', '<eos>']);
    expect(getTemplate('llama_3').stopStrings).toEqual(['<|eot_id|>']);
    expect(getTemplate('mistral_instruct').stopStrings).toEqual(['</s>']);
    expect(getTemplate('chatml_direct').stopStrings).toEqual(['<|im_end|>']);
  });
});

describe('OCR text and the <GEN> marker (MGM --ocr / --gen)', () => {
  const ocr = { ocrText: '641, STOP' };
  const R = '\nReference OCR Token: 641, STOP\n';
  // Inside the last user turn, after the user's text, before that turn's end: MGM's
  // left + '\nReference OCR Token: ' + text + '\n' + right, split just before the assistant turn.
  const goldenOcr: Record<string, { single: string; multi: string; gen: string }> = {
    vicuna_v1: {
      single: `${VICUNA_SYS} USER: <image>\nWhat is this?${R} ASSISTANT:`,
      multi: `${VICUNA_SYS} USER: <image>\nWhat is this? ASSISTANT: A red circle.</s>USER: Where is it?${R} ASSISTANT:`,
      gen: `${VICUNA_SYS} USER: <image>\nWhat is this? <GEN>${R} ASSISTANT:`,
    },
    gemma: {
      single: `<start_of_turn>user\n<image>\nWhat is this?${R}<end_of_turn>\n<start_of_turn>model\n`,
      multi:
        '<start_of_turn>user\n<image>\nWhat is this?<end_of_turn>\n<start_of_turn>model\nA red circle.<end_of_turn>\n<eos>' +
        `<start_of_turn>user\nWhere is it?${R}<end_of_turn>\n<start_of_turn>model\n`,
      gen: `<start_of_turn>user\n<image>\nWhat is this? <GEN>${R}<end_of_turn>\n<start_of_turn>model\n`,
    },
    llama_3: {
      single: `${LLAMA3_SYS}<|eot_id|>${L3_USER}<image>\nWhat is this?${R}<|eot_id|>${L3_ASSISTANT}`,
      multi: `${LLAMA3_SYS}<|eot_id|>${L3_USER}<image>\nWhat is this?<|eot_id|>${L3_ASSISTANT}A red circle.<|eot_id|>${L3_USER}Where is it?${R}<|eot_id|>${L3_ASSISTANT}`,
      gen: `${LLAMA3_SYS}<|eot_id|>${L3_USER}<image>\nWhat is this? <GEN>${R}<|eot_id|>${L3_ASSISTANT}`,
    },
    mistral_instruct: {
      single: `[INST] <image>\nWhat is this?${R} [/INST]`,
      multi: `[INST] <image>\nWhat is this? [/INST] A red circle. </s><s>[INST] Where is it?${R} [/INST]`,
      gen: `[INST] <image>\nWhat is this? <GEN>${R} [/INST]`,
    },
    chatml_direct: {
      single: `<|im_start|>system\nAnswer the questions.<|im_end|><|im_start|>user\n<image>\nWhat is this?${R}<|im_end|><|im_start|>assistant\n`,
      multi:
        '<|im_start|>system\nAnswer the questions.<|im_end|><|im_start|>user\n<image>\nWhat is this?<|im_end|>' +
        `<|im_start|>assistant\nA red circle.<|im_end|><|im_start|>user\nWhere is it?${R}<|im_end|><|im_start|>assistant\n`,
      gen: `<|im_start|>system\nAnswer the questions.<|im_end|><|im_start|>user\n<image>\nWhat is this? <GEN>${R}<|im_end|><|im_start|>assistant\n`,
    },
  };

  describe.each(Object.keys(goldenOcr))('template %s', (name) => {
    const g = goldenOcr[name] as (typeof goldenOcr)[string];
    it('puts the OCR tokens at the end of the single user turn', () => {
      expect(renderGenerationPrompt(name, single, true, ocr)).toBe(g.single);
    });
    it('puts them in the last user turn of a conversation, not the first', () => {
      expect(renderGenerationPrompt(name, multi, true, ocr)).toBe(g.multi);
    });
    it('puts " <GEN>" after the text and the OCR tokens after it', () => {
      expect(renderGenerationPrompt(name, single, true, { ...ocr, generateImage: true })).toBe(g.gen);
    });
  });

  it('adds nothing for empty OCR text and no second <GEN> when the question has one', () => {
    expect(renderGenerationPrompt('vicuna_v1', single, true, { ocrText: '  ' })).toBe(golden.vicuna_v1?.single);
    const asked = [{ role: 'user' as const, content: 'Draw a red circle. <GEN>' }];
    expect(renderGenerationPrompt('vicuna_v1', asked, false, { generateImage: true })).toBe(
      `${VICUNA_SYS} USER: Draw a red circle. <GEN> ASSISTANT:`,
    );
    expect(renderGenerationPrompt('vicuna_v1', [{ role: 'user', content: 'Draw it.' }], false, { generateImage: true })).toBe(
      `${VICUNA_SYS} USER: Draw it. <GEN> ASSISTANT:`,
    );
  });
});

describe('a replacement system prompt (OpenAI system messages)', () => {
  const system = { system: 'Answer in one word.' };
  const goldenSystem: Record<string, string> = {
    vicuna_v1: 'Answer in one word. USER: <image>\nWhat is this? ASSISTANT:',
    // No system turn: the instructions open the first user turn, after the image.
    gemma: '<start_of_turn>user\n<image>\nAnswer in one word.\n\nWhat is this?<end_of_turn>\n<start_of_turn>model\n',
    llama_3: `<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nAnswer in one word.<|eot_id|>${L3_USER}<image>\nWhat is this?<|eot_id|>${L3_ASSISTANT}`,
    mistral_instruct: '[INST] <<SYS>>\nAnswer in one word.\n<</SYS>>\n\n<image>\nWhat is this? [/INST]',
    chatml_direct: '<|im_start|>system\nAnswer in one word.<|im_end|><|im_start|>user\n<image>\nWhat is this?<|im_end|><|im_start|>assistant\n',
  };
  it.each(Object.keys(goldenSystem))('%s puts it where the template keeps its system prompt', (name) => {
    expect(renderGenerationPrompt(name, single, true, system)).toBe(goldenSystem[name]);
  });
  it('keeps the template prompt when none is given, and takes "$&" literally', () => {
    expect(renderGenerationPrompt('vicuna_v1', single, true, { system: null })).toBe(golden.vicuna_v1?.single);
    expect(renderGenerationPrompt('chatml_direct', single, false, { system: 'a $& b' })).toContain('<|im_start|>system\na $& b<|im_end|>');
  });
});
