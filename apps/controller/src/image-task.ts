import { z } from 'zod';
import { imageFormats } from '@mgm/vision';

/** What an image thread is configured with (workerData). */
export const imageWorkerDataSchema = z.object({
  limits: z.object({ maxBytes: z.number().int().positive().optional(), maxPixels: z.number().int().positive().optional() }),
});
export type ImageWorkerData = z.infer<typeof imageWorkerDataSchema>;

/** One upload to decode, check, downscale and re-encode. */
export const imageTaskSchema = z.object({ bytes: z.instanceof(Uint8Array) });

/** The upload normalised (see @mgm/vision's normalizeUpload). */
export const normalizedImageSchema = z.object({
  png: z.instanceof(Uint8Array),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  format: z.enum(imageFormats),
});
