/**
 * MGM's rule for an upload (conversation.py `process_image`, max_len 1344, min_len 672): when the
 * longer side is above max_len the image is resized so that its short side is
 * `int(min(max_len / aspect, min_len, short))` and its long side `int(short' * aspect)`.
 * Returns the new size, or null when the image is kept as is. Each side is at least 1 pixel and the
 * long side at most max_len (MGM's arithmetic gives 0 for the short side beyond an aspect of max_len:1).
 */
export function mgmDownscaleSize(width: number, height: number, maxLen = 1344, minLen = 672): { width: number; height: number } | null {
  const maxHw = Math.max(width, height);
  const minHw = Math.min(width, height);
  if (maxHw <= maxLen) return null;
  const aspect = maxHw / minHw;
  const shortest = Math.max(1, Math.trunc(Math.min(maxLen / aspect, minLen, minHw)));
  const longest = Math.min(maxLen, Math.max(1, Math.trunc(shortest * aspect)));
  return height > width ? { width: shortest, height: longest } : { width: longest, height: shortest };
}
