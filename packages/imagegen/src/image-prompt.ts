/**
 * The image prompt in an MGM generation answer: the text inside the first <h>…</h>
 * (mgm/serve: the answer is split on <h> and </h>). Null when there is none or it is empty.
 */
export function extractImagePrompt(answer: string): string | null {
  const m = /<h>([\s\S]*?)<\/h>/u.exec(answer);
  const prompt = m?.[1]?.trim();
  return prompt ? prompt : null;
}
