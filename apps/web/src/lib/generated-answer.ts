const PROMPT_SPAN = /<h>[\s\S]*?<\/h>/g;

/**
 * The answer text to show above a generated picture: without its `<h>…</h>` image prompt, which
 * the picture's caption shows (MGM's answers read "Sure, here it is. <h>a red circle …</h>"), so
 * the prompt is on the page once. Without a picture's prompt the text is shown as it is.
 */
export function answerTextBesidePicture(text: string, prompt: string | null): string {
  if (prompt === null) return text;
  return text.replace(PROMPT_SPAN, '').trim();
}
