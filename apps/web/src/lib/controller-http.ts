import {
  errorResponseSchema,
  feedbackResponseSchema,
  imageUploadResponseSchema,
  modelListResponseSchema,
  type ErrorCode,
  type FeedbackInput,
  type FeedbackResponse,
  type ImageUploadResponse,
  type ModelSummary,
} from '@mgm/protocol';
import type { z } from 'zod';

/** A failed call to the controller, with the code and message the controller gave (or ours). */
export class ControllerRequestError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, status: number) {
    super(message);
    this.name = 'ControllerRequestError';
    this.code = code;
    this.status = status;
  }
}

async function readJson<T>(response: Response, schema: z.ZodType<T>, what: string): Promise<T> {
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = errorResponseSchema.safeParse(body);
    if (parsed.success) throw new ControllerRequestError(parsed.data.error.code, parsed.data.error.message, response.status);
    throw new ControllerRequestError('INTERNAL', `${what} failed: HTTP ${response.status}`, response.status);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ControllerRequestError('INTERNAL', `${what}: the controller answered in an unexpected shape`, response.status);
  }
  return parsed.data;
}

async function send(input: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new ControllerRequestError('INTERNAL', `${what} failed: the server cannot be reached`, 0);
  }
}

export async function fetchModels(signal?: AbortSignal): Promise<ModelSummary[]> {
  const response = await send('/api/models', { signal, cache: 'no-store' }, 'Listing models');
  return (await readJson(response, modelListResponseSchema, 'Listing models')).models;
}

/** Uploads the image as its raw bytes; the controller checks and normalises it. */
export async function uploadImage(image: Blob, signal?: AbortSignal): Promise<ImageUploadResponse> {
  const response = await send(
    '/api/images',
    { method: 'POST', body: image, headers: { 'content-type': image.type || 'application/octet-stream' }, signal },
    'Uploading the image',
  );
  return readJson(response, imageUploadResponseSchema, 'Uploading the image');
}

export async function postFeedback(input: FeedbackInput): Promise<FeedbackResponse> {
  const response = await send(
    '/api/feedback',
    { method: 'POST', body: JSON.stringify(input), headers: { 'content-type': 'application/json' } },
    'Sending feedback',
  );
  return readJson(response, feedbackResponseSchema, 'Sending feedback');
}

export function imageUrl(imageId: string): string {
  return `/api/images/${encodeURIComponent(imageId)}`;
}

/** Whether the controller still has the image (it keeps uploads for a while only). */
export async function imageExists(imageId: string, signal?: AbortSignal): Promise<boolean> {
  const response = await send(imageUrl(imageId), { method: 'HEAD', signal, cache: 'no-store' }, 'Checking the image');
  if (response.status === 404) return false;
  if (!response.ok) throw new ControllerRequestError('INTERNAL', `Checking the image failed: HTTP ${response.status}`, response.status);
  return true;
}
