import type { DecoderRunner } from './decoder-runner.ts';

/**
 * The embeddings of the prompt's positions from `from` on (what is left to prefill after a cached
 * prefix of `from` positions). `features` may be null only when the prefix covers the image.
 */
export async function promptEmbeds(
  runner: Pick<DecoderRunner, 'embed'>,
  tokens: { readonly ids: readonly number[]; readonly imageAt: number },
  features: Float32Array | null,
  visual: number,
  from: number,
  hidden: number,
): Promise<Float32Array> {
  const imageEnd = tokens.imageAt + visual;
  if (tokens.imageAt < 0 || visual === 0) return runner.embed(tokens.ids.slice(from));
  if (from >= imageEnd) return runner.embed(tokens.ids.slice(from - visual));
  const all = splice(await runner.embed(tokens.ids), features, tokens.imageAt, hidden);
  return from === 0 ? all : all.subarray(from * hidden);
}

/** Text embeddings with the visual embeddings inserted before row `at` (MGM's splice). */
export function splice(text: Float32Array, visual: Float32Array | null, at: number, hidden: number): Float32Array {
  if (visual === null || at < 0) return text;
  const out = new Float32Array(text.length + visual.length);
  out.set(text.subarray(0, at * hidden), 0);
  out.set(visual, at * hidden);
  out.set(text.subarray(at * hidden), at * hidden + visual.length);
  return out;
}
