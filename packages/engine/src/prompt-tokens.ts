import { MgmError } from '@mgm/protocol';
import type { Manifest } from './manifest.ts';
import type { MgmTokenizer } from './mgm-tokenizer.ts';
import { IMAGE_PLACEHOLDER } from './templates/render-prompt.ts';

export interface PromptTokens {
  /** Text token ids in order, bos included; the image embeddings go in at `imageAt`. */
  ids: number[];
  /** Index in `ids` before which the visual embeddings are spliced; -1 without an image. */
  imageAt: number;
}

/**
 * MGM's tokenizer_image_token: the prompt split on `<image>`, each piece tokenized on its own,
 * bos prepended when the manifest says so, the visual tokens spliced at the split. Exactly one
 * bos either way: a template whose text already starts with it (llama_3's `<|begin_of_text|>`)
 * gets no second one, as MGM keeps a single bos at the head of the first chunk.
 */
export function tokenizePrompt(prompt: string, tokenizer: MgmTokenizer, special: Manifest['special_tokens']): PromptTokens {
  const pieces = prompt.split(IMAGE_PLACEHOLDER);
  if (pieces.length > 2) {
    throw new MgmError('INTERNAL', `the rendered prompt has ${pieces.length - 1} image placeholders, expected at most one`);
  }
  const head = tokenizer.encode(pieces[0] ?? '');
  const bos = special.bos_id;
  const ids: number[] = special.add_bos && bos !== undefined && head[0] !== bos ? [bos] : [];
  append(ids, head);
  if (pieces.length === 1) return { ids, imageAt: -1 };
  const imageAt = ids.length;
  append(ids, tokenizer.encode(pieces[1] ?? ''));
  return { ids, imageAt };
}

/** `ids.push(...more)` without spreading: a long prompt has more ids than a call may take arguments. */
function append(ids: number[], more: readonly number[]): void {
  for (let i = 0; i < more.length; i += 1) ids.push(more[i]!);
}
