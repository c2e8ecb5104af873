/**
 * True when an answer with a generated image says nothing but its image prompt (with or without
 * the <h>…</h> around it): the picture's caption shows that prompt, so the page shows it once.
 */
export function answerIsOnlyThePrompt(text: string, prompt: string | null): boolean {
  if (prompt === null) return false;
  const normalize = (value: string) => value.replace(/<\/?h>/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
  return normalize(text) === normalize(prompt);
}
