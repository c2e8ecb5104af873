import type { EvaluationRun, EvaluationSnapshot, EvaluationStartInput } from '@mgm/evaluation';
import { errorResponseSchema, type ErrorCode } from '@mgm/protocol';
import { ControllerRequestError } from '../controller-http.ts';

export interface QuestionSetInfo {
  kind: 'shipped' | 'uploaded';
  id: string | null;
  name: string;
  size: number;
  types: Record<string, number>;
}

/** Calls /api/evaluations… (same origin: the admin session cookie goes along); errors keep the controller's code. */
async function call<T>(path: string, init: RequestInit, what: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new ControllerRequestError('INTERNAL', `${what} failed: the server cannot be reached`, 0);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = errorResponseSchema.safeParse(body);
    const code: ErrorCode = parsed.success ? parsed.data.error.code : 'INTERNAL';
    throw new ControllerRequestError(code, parsed.success ? parsed.data.error.message : `${what} failed: HTTP ${response.status}`, response.status);
  }
  return body as T;
}

export const fetchRuns = (signal?: AbortSignal) => call<{ runs: EvaluationRun[] }>('/api/evaluations', { signal }, 'Listing runs').then((b) => b.runs);

export const fetchSets = (signal?: AbortSignal) => call<{ sets: QuestionSetInfo[] }>('/api/evaluations/sets', { signal }, 'Listing question sets').then((b) => b.sets);

export function fetchSnapshot(runId: string, results: 'none' | 'wrong' | 'all', signal?: AbortSignal): Promise<EvaluationSnapshot> {
  return call(`/api/evaluations/${encodeURIComponent(runId)}?results=${results}`, { signal }, 'Reading the run');
}

export async function startRun(input: EvaluationStartInput): Promise<EvaluationRun> {
  const body = await call<{ run: EvaluationRun }>(
    '/api/evaluations',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) },
    'Starting the run',
  );
  return body.run;
}

export async function stopRun(runId: string): Promise<EvaluationRun> {
  return (await call<{ run: EvaluationRun }>(`/api/evaluations/${encodeURIComponent(runId)}/stop`, { method: 'POST' }, 'Stopping the run')).run;
}

/** Uploads a JSONL file and its images (multipart); the controller validates every line and image. */
export async function uploadSet(questions: File, images: readonly File[], name: string): Promise<QuestionSetInfo> {
  const form = new FormData();
  form.set('name', name);
  form.set('questions', questions, questions.name);
  for (const image of images) form.append('images', image, image.name);
  return (await call<{ set: QuestionSetInfo }>('/api/evaluations/sets', { method: 'POST', body: form }, 'Uploading the question set')).set;
}

export function exportUrl(runId: string): string {
  return `/api/evaluations/${encodeURIComponent(runId)}/export`;
}
