/** MGM's separator styles (mgm/conversation.py SeparatorStyle), the ones its templates use. */
export type SeparatorStyle = 'TWO' | 'GEMMA' | 'LLAMA_3' | 'LLAMA_2' | 'MPT';

/** One of mgm/conversation.py's conversation templates, field for field. */
export interface ConversationTemplate {
  name: string;
  system: string;
  /**
   * Where a replacement system prompt goes ("{system}" is its text), so the template's markup
   * stays; null: the template has no system turn, and a replacement opens the first user turn.
   */
  systemSlot: string | null;
  roles: readonly [user: string, assistant: string];
  style: SeparatorStyle;
  sep: string;
  sep2: string | null;
  /** Text that ends the assistant's turn: generation stops there and never shows it. */
  stopStrings: readonly string[];
}

const VICUNA_SYSTEM =
  'A chat between a curious user and an artificial intelligence assistant. ' +
  "The assistant gives helpful, detailed, and polite answers to the user's questions.";

const LLAMA_3_SYSTEM =
  '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n' +
  'You are a helpful language and vision assistant. ' +
  'You are able to understand the visual content that the user provides, ' +
  'and assist the user with a variety of tasks using natural language.';

export const CONVERSATION_TEMPLATES: Readonly<Record<string, ConversationTemplate>> = {
  vicuna_v1: {
    name: 'vicuna_v1',
    system: VICUNA_SYSTEM,
    systemSlot: '{system}',
    roles: ['USER', 'ASSISTANT'],
    style: 'TWO',
    sep: ' ',
    sep2: '</s>',
    stopStrings: ['</s>'],
  },
  gemma: {
    name: 'gemma',
    system: '',
    systemSlot: null,
    roles: ['user', 'model'],
    style: 'GEMMA',
    sep: '',
    sep2: '<eos>',
    stopStrings: ['<end_of_turn>', '<eos>'],
  },
  llama_3: {
    name: 'llama_3',
    system: LLAMA_3_SYSTEM,
    systemSlot: '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n{system}',
    // The assistant role is the "system" header, exactly as MGM's conv_llama_3 has it (MGM-8B was
    // trained on that prompt).
    roles: ['<|start_header_id|>user<|end_header_id|>\n\n', '<|start_header_id|>system<|end_header_id|>\n\n'],
    style: 'LLAMA_3',
    sep: '<|eot_id|>',
    sep2: null,
    stopStrings: ['<|eot_id|>'],
  },
  mistral_instruct: {
    name: 'mistral_instruct',
    system: '',
    // LLAMA_2 style wraps a non-empty system prompt in <<SYS>> inside the first [INST].
    systemSlot: '{system}',
    roles: ['USER', 'ASSISTANT'],
    style: 'LLAMA_2',
    sep: '<s>',
    sep2: '</s>',
    stopStrings: ['</s>'],
  },
  chatml_direct: {
    name: 'chatml_direct',
    system: '<|im_start|>system\nAnswer the questions.',
    systemSlot: '<|im_start|>system\n{system}',
    roles: ['<|im_start|>user\n', '<|im_start|>assistant\n'],
    style: 'MPT',
    sep: '<|im_end|>',
    sep2: null,
    stopStrings: ['<|im_end|>'],
  },
};

export const TEMPLATE_NAMES = Object.keys(CONVERSATION_TEMPLATES);
