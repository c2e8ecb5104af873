import {
  adminActionResultSchema,
  errorResponseSchema,
  type AdminAction,
  type AdminActionResult,
  type QueueAction,
} from '@mgm/protocol';

/** Calls an admin route (same origin, session cookie) and turns any answer into a result to show. */
async function call(path: string, init: RequestInit = {}): Promise<AdminActionResult> {
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', credentials: 'same-origin', ...init });
  } catch {
    return { ok: false, message: 'the server cannot be reached' };
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = errorResponseSchema.safeParse(body);
    return { ok: false, message: error.success ? error.data.error.message : `HTTP ${response.status}` };
  }
  const parsed = adminActionResultSchema.safeParse(body);
  return parsed.success ? parsed.data : { ok: true, message: 'done' };
}

const segment = encodeURIComponent;

export function logIn(token: string): Promise<AdminActionResult> {
  return call('/api/admin/login', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
}

export function logOut(): Promise<AdminActionResult> {
  return call('/api/admin/logout');
}

export function workerAction(workerId: string, action: AdminAction): Promise<AdminActionResult> {
  return call(`/api/admin/workers/${segment(workerId)}/${action}`);
}

export function restartSlot(slotId: string): Promise<AdminActionResult> {
  return call(`/api/admin/slots/${segment(slotId)}/restart`);
}

export function queueAction(model: string, action: QueueAction): Promise<AdminActionResult> {
  return call(`/api/admin/models/${segment(model)}/queue/${action}`);
}

export function retryFailedJobs(model: string): Promise<AdminActionResult> {
  return call(`/api/admin/models/${segment(model)}/failed/retry`);
}

export function clearFailedJobs(model: string): Promise<AdminActionResult> {
  return call(`/api/admin/models/${segment(model)}/failed/clear`);
}

export function retryJob(model: string, jobId: string): Promise<AdminActionResult> {
  return call(`/api/admin/models/${segment(model)}/jobs/${segment(jobId)}/retry`);
}
