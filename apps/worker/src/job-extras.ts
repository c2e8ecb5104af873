import { type GeneratedImage, MgmError } from '@mgm/protocol';
import { type ImageBackend, attachGeneratedImage } from '@mgm/imagegen';
import { Ocr, type OcrLine, ocrTokenText } from '@mgm/ocr';
import type { Logger } from 'pino';

/** Reads the text in an image (MGM --ocr). */
export interface TextReader {
  recognize(image: Uint8Array): Promise<OcrLine[]>;
  close(): Promise<void>;
}

/** MGM's two extra functions a job may ask for: OCR of its image and image generation. */
export interface JobExtras {
  ocr: TextReader;
  imageBackend: ImageBackend;
}

/** PaddleOCR loaded on the first job that asks for OCR (its sessions cost memory and start time). */
export function lazyOcr(opts: { intraOpThreads?: number; logger: Logger }): TextReader {
  let loading: Promise<Ocr> | null = null;
  const load = (): Promise<Ocr> => {
    loading ??= Ocr.load({ intraOpThreads: opts.intraOpThreads ?? 1 }).then(
      (ocr) => {
        opts.logger.info('OCR model loaded');
        return ocr;
      },
      (error: unknown) => {
        loading = null;
        throw error;
      },
    );
    return loading;
  };
  return {
    recognize: async (image) => (await load()).recognize(image),
    close: async () => {
      if (loading) await (await loading.catch(() => null))?.close();
    },
  };
}

/** The OCR text for the prompt: null when the job has no image or OCR finds no text. */
export async function ocrTextFor(extras: JobExtras | undefined, image: Uint8Array | null, logger: Logger): Promise<string | null> {
  if (!extras) throw new MgmError('BAD_REQUEST', 'this worker was started without OCR: turn "Use OCR" off');
  if (image === null) return null;
  const started = performance.now();
  const lines = await extras.ocr.recognize(image);
  const text = ocrTokenText(lines);
  logger.info({ lines: lines.length, ocrMs: Math.round(performance.now() - started), found: text !== null }, 'OCR done');
  return text;
}

/** The picture for an answer: the backend draws the <h>…</h> prompt, or the frame says why not. */
export async function generatedImageFor(extras: JobExtras | undefined, answer: string, signal: AbortSignal): Promise<GeneratedImage> {
  if (!extras) throw new MgmError('BAD_REQUEST', 'this worker was started without an image backend: turn "Generate image" off');
  return attachGeneratedImage(answer, extras.imageBackend, { signal });
}
