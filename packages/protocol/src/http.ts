import { z } from 'zod';
import { publicWorkerSchema } from './public-worker.ts';

/** `POST /api/images` answer. */
export const imageUploadResponseSchema = z.object({
  imageId: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type ImageUploadResponse = z.infer<typeof imageUploadResponseSchema>;

/** `GET /api/workers` answer: the public view of each live worker (full records: `GET /api/admin/workers`). */
export const workerListResponseSchema = z.object({ workers: z.array(publicWorkerSchema) });
export type WorkerListResponse = z.infer<typeof workerListResponseSchema>;

/** `POST /api/feedback` answer. */
export const feedbackResponseSchema = z.object({ ok: z.literal(true), id: z.string() });
export type FeedbackResponse = z.infer<typeof feedbackResponseSchema>;
