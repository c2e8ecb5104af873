import { z } from 'zod';

/** Model ids are checkpoint names: they become BullMQ queue names and Redis key parts. */
export const modelIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a model id uses letters, digits, ".", "_" and "-"');
export type ModelId = z.infer<typeof modelIdSchema>;

export const jobIdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, 'not a job id');
export const requestIdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, 'not a request id');
export const workerIdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9._-]+$/, 'not a worker id');

/** An uploaded image is addressed by the sha256 of its normalised PNG (hex). */
export const imageIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'not an image id');
export type ImageId = z.infer<typeof imageIdSchema>;
