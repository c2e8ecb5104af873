import { MgmError } from '@mgm/protocol';
import { CONVERSATION_TEMPLATES, TEMPLATE_NAMES, type ConversationTemplate } from './conversation-templates.ts';

export const IMAGE_PLACEHOLDER = '<image>';

export interface PromptMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** What MGM's --ocr and --gen add to the last user turn. */
export interface PromptExtras {
  /** OCR text of the image ("a, b, c"): given as "Reference OCR Token: …". */
  ocrText?: string | null;
  /** Ask for an image prompt: " <GEN>" ends the user's text, as the MGM CLI appends it. */
  generateImage?: boolean;
  /** Replaces the template's system prompt (null/absent: the template's own). */
  system?: string | null;
}

export const GEN_MARKER = '<GEN>';

export function getTemplate(name: string): ConversationTemplate {
  const t = CONVERSATION_TEMPLATES[name];
  if (!t) {
    throw new MgmError('TEMPLATE_UNKNOWN', `unknown chat template "${name}" (known: ${TEMPLATE_NAMES.join(', ')})`, {
      details: { template: name, known: TEMPLATE_NAMES },
    });
  }
  return t;
}

/** Python's str.strip() whitespace set, for the first message as MGM strips it. */
function pyStrip(s: string): string {
  return s.replace(/^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/gu, '');
}

/** Python's str.lstrip(chars): strips any of the characters, not the prefix. */
function pyLstripChars(s: string, chars: string): string {
  let i = 0;
  while (i < s.length && chars.includes(s[i] as string)) i++;
  return s.slice(i);
}

/**
 * Renders a conversation as mgm/conversation.py `get_prompt()` does. `messages` alternate
 * user/assistant starting with the user; `null` content is the open assistant turn of a
 * generation prompt. With `hasImage`, the first message becomes `<image>\n` + its text with any
 * placeholder removed and stripped (MGM's handling of an image-carrying first message).
 */
export function renderConversation(
  template: ConversationTemplate,
  messages: readonly { role: 'user' | 'assistant'; content: string | null }[],
  hasImage: boolean,
  lastUserSuffix = '',
  systemOverride: string | null = null,
): string {
  const msgs = messages.map((m) => ({ role: m.role === 'user' ? template.roles[0] : template.roles[1], text: m.content }));
  if (systemOverride !== null && template.systemSlot === null && msgs[0] && msgs[0].text !== null) {
    // No system turn in this template (gemma): the instructions open the first user turn.
    msgs[0] = { ...msgs[0], text: `${systemOverride}\n\n${msgs[0].text}` };
  }
  if (hasImage && msgs[0] && msgs[0].text !== null) {
    msgs[0] = { ...msgs[0], text: `${IMAGE_PLACEHOLDER}\n${pyStrip(msgs[0].text.replaceAll(IMAGE_PLACEHOLDER, ''))}` };
  }
  if (lastUserSuffix) {
    // Added after the image handling so MGM's strip of the first message cannot eat it.
    const last = messages.findLastIndex((m) => m.role === 'user' && m.content !== null);
    const m = msgs[last];
    if (m && m.text !== null) msgs[last] = { ...m, text: m.text + lastUserSuffix };
  }
  const { sep } = template;
  const system =
    systemOverride === null ? template.system : template.systemSlot === null ? '' : template.systemSlot.replace('{system}', () => systemOverride);
  const sep2 = template.sep2 ?? '';
  const seps = [sep, sep2];
  let ret = '';
  switch (template.style) {
    case 'TWO':
      ret = system + seps[0];
      msgs.forEach(({ role, text }, i) => {
        ret += text ? `${role}: ${text}${seps[i % 2]}` : `${role}:`;
      });
      return ret;
    case 'GEMMA':
      ret = system + seps[0];
      msgs.forEach(({ role, text }, i) => {
        ret += text ? `<start_of_turn>${role}\n${text}<end_of_turn>\n${seps[i % 2]}` : `<start_of_turn>${role}\n`;
      });
      return ret;
    case 'LLAMA_3':
    case 'MPT':
      ret = system + sep;
      for (const { role, text } of msgs) ret += text ? role + text + sep : role;
      return ret;
    case 'LLAMA_2': {
      const wrapSys = (m: string): string => (m.length > 0 ? `<<SYS>>\n${m}\n<</SYS>>\n\n` : m);
      const wrapInst = (m: string): string => `[INST] ${m} [/INST]`;
      msgs.forEach(({ text }, i) => {
        if (!text) return;
        const message = i === 0 ? wrapSys(system) + text : text;
        ret += i % 2 === 0 ? sep + wrapInst(message) : ` ${message} ${sep2}`;
      });
      return pyLstripChars(ret, sep);
    }
  }
}

/**
 * The generation prompt for a chat: the history (ending with the user's question) plus the
 * assistant role with an empty message. Placeholders typed by the user are removed, so the
 * only `<image>` in the prompt is the one MGM puts first when the conversation has an image.
 *
 * Extras go inside the last user turn, after the user's text and before that turn's end, in
 * every template: " <GEN>" right after the text, then MGM's `'\nReference OCR Token: ' + text + '\n'`
 * (vicuna: "USER: <q> <GEN>\nReference OCR Token: 641\n ASSISTANT:"). MGM's own code splices the
 * OCR text in before the final ":" of the vicuna, gemma and llama_3 prompts, i.e. into the
 * assistant marker; this is the place its add_content means.
 */
export function renderGenerationPrompt(
  templateName: string,
  messages: readonly PromptMessage[],
  hasImage: boolean,
  extras: PromptExtras = {},
): string {
  const template = getTemplate(templateName);
  const cleaned = messages.map((m, i) => ({
    role: m.role,
    content: i === 0 && hasImage ? m.content : m.content.replaceAll(IMAGE_PLACEHOLDER, ''),
  }));
  const lastUser = cleaned.findLastIndex((m) => m.role === 'user');
  const last = cleaned[lastUser];
  if (extras.generateImage && last && !last.content.trimEnd().endsWith(GEN_MARKER)) {
    cleaned[lastUser] = { ...last, content: `${last.content.trimEnd()} ${GEN_MARKER}` };
  }
  const ocr = extras.ocrText?.trim();
  const suffix = ocr ? `\nReference OCR Token: ${ocr}\n` : '';
  return renderConversation(template, [...cleaned, { role: 'assistant', content: null }], hasImage, suffix, extras.system ?? null);
}
