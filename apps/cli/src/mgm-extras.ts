import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { attachGeneratedImage, createImageBackend, imageBackendEnvSchema } from '@mgm/imagegen';
import { Ocr, ocrTokenText } from '@mgm/ocr';
import type { GeneratedImage } from '@mgm/protocol';
import { CliUsageError } from './cli-io.ts';
import type { ParsedValues } from './cli-options.ts';

/** MGM's --ocr and --gen, for ask and chat. */
export const extraOptions = {
  ocr: { type: 'boolean', default: false },
  gen: { type: 'boolean', default: false },
  'gen-out': { type: 'string' },
} as const;

export const EXTRAS_HELP = `  --ocr  read the image's text with PaddleOCR and give it to the model (MGM --ocr)
  --gen  ask for an image prompt (<h>…</h>) and draw it (MGM --gen); the picture goes to --gen-out FILE
         (default ./mgm-gen-<time>.png); backend from IMAGE_BACKEND=scene|openai|a1111, IMAGE_BACKEND_URL,
         IMAGE_BACKEND_API_KEY, IMAGE_BACKEND_MODEL, IMAGE_SIZE (default: the synthetic-scene renderer)`;

/** The OCR text of an image for the prompt, or null when it shows none. */
export async function readImageText(bytes: Uint8Array, threads?: number): Promise<string | null> {
  const ocr = await Ocr.load({ intraOpThreads: threads ?? 1 });
  try {
    return ocrTokenText(await ocr.recognize(bytes));
  } finally {
    await ocr.close();
  }
}

/** An OCR reader kept open for many images (eval --ocr): the text MGM gives the model, per image. */
export async function openImageTextReader(threads?: number): Promise<{ read: (bytes: Uint8Array) => Promise<string | null>; close: () => Promise<void> }> {
  const ocr = await Ocr.load({ intraOpThreads: threads ?? 1 });
  return { read: async (bytes) => ocrTokenText(await ocr.recognize(bytes)), close: () => ocr.close() };
}

/** Builds the image backend from the environment; a bad setting is a usage error. */
export function imageBackendFromEnv(env: NodeJS.ProcessEnv) {
  const parsed = imageBackendEnvSchema.safeParse(env);
  if (!parsed.success) throw new CliUsageError(`invalid image backend setting: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return createImageBackend(parsed.data);
}

/** Draws the answer's image prompt and saves the PNG; returns what happened and where it went. */
export async function drawAnswer(
  answer: string,
  values: ParsedValues,
  env: NodeJS.ProcessEnv,
): Promise<{ image: GeneratedImage; file: string | null }> {
  const image = await attachGeneratedImage(answer, imageBackendFromEnv(env));
  if (image.status !== 'ok' || !image.pngBase64) return { image, file: null };
  const file = path.resolve(typeof values['gen-out'] === 'string' ? values['gen-out'] : `mgm-gen-${Date.now()}.png`);
  await writeFile(file, Buffer.from(image.pngBase64, 'base64'));
  return { image, file };
}

/** The lines a person reads about the picture (stderr in text mode). */
export function describeDrawing(image: GeneratedImage, file: string | null): string {
  if (image.status === 'ok') return `image prompt: ${image.prompt}\npicture: ${file} (${image.width}x${image.height}, ${image.note})`;
  if (image.status === 'no-prompt') return `no picture: ${image.message}`;
  return `image prompt: ${image.prompt}\nno picture: ${image.message}`;
}
