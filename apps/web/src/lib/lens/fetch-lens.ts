import { errorResponseSchema, imageLensSchema, type ImageLensWire } from '@mgm/protocol';
import { ControllerRequestError } from '@/lib/controller-http.ts';

/** GET /api/lens/:jobId: what the model saw for one answer asked with explain. */
export async function fetchLens(jobId: string, signal?: AbortSignal): Promise<ImageLensWire> {
  let response: Response;
  try {
    response = await fetch(`/api/lens/${encodeURIComponent(jobId)}`, { signal, cache: 'no-store' });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ControllerRequestError('INTERNAL', 'Loading the lens failed: the server cannot be reached', 0);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = errorResponseSchema.safeParse(body);
    if (error.success) throw new ControllerRequestError(error.data.error.code, error.data.error.message, response.status);
    throw new ControllerRequestError('INTERNAL', `Loading the lens failed: HTTP ${response.status}`, response.status);
  }
  const lens = imageLensSchema.safeParse(body);
  if (!lens.success) throw new ControllerRequestError('INTERNAL', 'Loading the lens: the controller answered in an unexpected shape', response.status);
  return lens.data;
}
