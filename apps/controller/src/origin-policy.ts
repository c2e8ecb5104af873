import type { IncomingHttpHeaders } from 'node:http';

/**
 * Which browser pages may open a socket.io connection. A browser always sends its page's Origin
 * and cannot forge it, so a page of another site is refused (cross-site WebSocket hijacking);
 * clients that are not browsers send none and are let through (they hold no one's cookies).
 * Allowed: the web app's own origin (Origin's host equals the Host the request came to, which
 * the web app's proxy keeps), and every origin listed in ALLOWED_ORIGINS.
 */
export function originAllowed(headers: IncomingHttpHeaders, allowedOrigins: readonly string[]): boolean {
  const origin = headers.origin;
  if (origin === undefined || origin === '') return true;
  if (allowedOrigins.includes(origin)) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const forwardedHost = headers['x-forwarded-host'];
  const served = [headers.host, ...(typeof forwardedHost === 'string' ? forwardedHost.split(',').map((h) => h.trim()) : [])];
  return served.includes(host);
}

/** ALLOWED_ORIGINS: comma-separated origins (`https://chat.example.org`), besides the app's own. */
export function parseAllowedOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/$/, ''))
    .filter((origin) => origin.length > 0);
}
