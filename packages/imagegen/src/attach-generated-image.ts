import { type GeneratedImage, isMgmError } from '@mgm/protocol';
import sharp from 'sharp';
import type { ImageBackend, ImageGenOptions } from './image-backend.ts';
import { extractImagePrompt } from './image-prompt.ts';

/** Pictures travel inside the end frame: larger ones are scaled down to this longer side. */
export const MAX_ATTACHED_SIDE = 1024;

/**
 * MGM's generation step after the answer: take the prompt in <h>…</h>, have the backend draw it,
 * and describe the outcome for the end frame. Never throws for a model or backend failure: the
 * answer stands and the frame says why there is no picture.
 */
export async function attachGeneratedImage(answer: string, backend: ImageBackend, opts: ImageGenOptions = {}): Promise<GeneratedImage> {
  const prompt = extractImagePrompt(answer);
  if (prompt === null) {
    return {
      status: 'no-prompt',
      prompt: null,
      backend: backend.name,
      message: "the model's answer holds no image prompt (<h>…</h>), so there is nothing to draw",
    };
  }
  try {
    const img = await backend.generate(prompt, opts);
    let { png, width, height } = img;
    if (Math.max(width, height) > MAX_ATTACHED_SIDE) {
      const { data, info } = await sharp(png)
        .resize(MAX_ATTACHED_SIDE, MAX_ATTACHED_SIDE, { fit: 'inside' })
        .png()
        .toBuffer({ resolveWithObject: true });
      png = new Uint8Array(data);
      width = info.width;
      height = info.height;
    }
    return { status: 'ok', prompt, pngBase64: Buffer.from(png).toString('base64'), width, height, backend: img.backend, note: img.note };
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    const message = isMgmError(e) ? e.message : `${backend.name} failed: ${(e as Error).message}`;
    return { status: 'failed', prompt, backend: backend.name, message };
  }
}
