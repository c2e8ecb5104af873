// Server only: reads the request cookies (next/headers).
import { cookies } from 'next/headers';
import { ADMIN_SESSION_COOKIE } from '@mgm/protocol';
import { parseWebEnv } from '../../../env.ts';

export type AdminSessionCheck = 'ok' | 'unauthorized' | 'unreachable';

/** Asks the controller whether this request's session cookie is a valid admin session. */
export async function checkAdminSession(): Promise<AdminSessionCheck> {
  const session = (await cookies()).get(ADMIN_SESSION_COOKIE)?.value;
  if (!session) return 'unauthorized';
  try {
    const response = await fetch(new URL('/api/admin/session', parseWebEnv().CONTROLLER_URL), {
      headers: { cookie: `${ADMIN_SESSION_COOKIE}=${encodeURIComponent(session)}` },
      cache: 'no-store',
      signal: AbortSignal.timeout(5000),
    });
    await response.arrayBuffer();
    if (response.status === 200) return 'ok';
    return response.status === 401 ? 'unauthorized' : 'unreachable';
  } catch {
    return 'unreachable';
  }
}
