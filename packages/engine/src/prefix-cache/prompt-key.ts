/**
 * A prompt as the decoder sees it, position by position: the text ids with the image's visual
 * embeddings spliced in, each visual position written as `-1 - j` (j-th visual row) and tied to
 * `imageKey`. Two prompts share the keys and values of their common prefix of positions, and
 * nothing after it (the decoder is causal).
 */
export interface PromptKey {
  positions: Int32Array;
  /** Which image (and preprocessing) the visual positions stand for; null without an image. */
  imageKey: string | null;
}

export function promptKey(ids: readonly number[], imageAt: number, visualTokens: number, imageKey: string | null): PromptKey {
  const withImage = imageKey !== null && imageAt >= 0;
  const positions = new Int32Array(ids.length + (withImage ? visualTokens : 0));
  let p = 0;
  for (let i = 0; i < ids.length; i++) {
    if (withImage && i === imageAt) for (let j = 0; j < visualTokens; j++) positions[p++] = -1 - j;
    positions[p++] = ids[i] as number;
  }
  if (withImage && imageAt >= ids.length) for (let j = 0; j < visualTokens; j++) positions[p++] = -1 - j;
  return { positions, imageKey: withImage ? imageKey : null };
}

/** How many leading positions two prompts have in common (visual ones only for the same image). */
export function commonPrefixLength(a: PromptKey, b: PromptKey): number {
  const n = Math.min(a.positions.length, b.positions.length);
  const sameImage = a.imageKey !== null && a.imageKey === b.imageKey;
  let i = 0;
  while (i < n) {
    const x = a.positions[i] as number;
    if (x !== b.positions[i] || (x < 0 && !sameImage)) break;
    i++;
  }
  return i;
}
