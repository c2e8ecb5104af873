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
 * bos prepended when the manifest says so, the visual tokens spliced at the split.
 */
export function tokenizePrompt(prompt: string, tokenizer: MgmTokenizer, special: Manifest['special_tokens']): PromptTokens {
  const pieces = prompt.split(IMAGE_PLACEHOLDER);
  if (pieces.length > 2) {
    throw new MgmError('INTERNAL', `the rendered prompt has ${pieces.length - 1} image placeholders, expected at most one`);
  }
  const ids: number[] = special.add_bos && special.bos_id !== undefined ? [special.bos_id] : [];
  append(ids, tokenizer.encode(pieces[0] ?? ''));
  if (pieces.length === 1) return { ids, imageAt: -1 };
  const imageAt = ids.length;
  append(ids, tokenizer.encode(pieces[1] ?? ''));
  return { ids, imageAt };
}

/** `ids.push(...more)` without spreading: a long prompt has more ids than a call may take arguments. */
function append(ids: number[], more: readonly number[]): void {
  for (let i = 0; i < more.length; i += 1) ids.push(more[i]!);
}
