import { isIP } from 'node:net';

/**
 * Who a request is charged to: its IP, its browser session when it names one, later its API key.
 * Each present part becomes a client key (`ip:…`, `session:…`, `apikey:…`) with its own ceilings.
 */
export interface ClientIdentity {
  ip: string;
  session?: string;
  apiKey?: string;
}

const SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * The client's IP. Behind the web app's server (same host: a loopback peer) the address is the
 * last entry of X-Forwarded-For, which that proxy appends; a direct client's header is ignored,
 * so nobody picks their own key by sending one.
 */
export function clientIp(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined): string {
  const peer = normalize(remoteAddress ?? 'unknown');
  if (!LOOPBACK.has(peer) || forwardedFor === undefined) return peer;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const last = header.split(',').map((part) => part.trim()).filter((part) => part.length > 0).at(-1);
  return last !== undefined && isIP(normalize(last)) !== 0 ? normalize(last) : peer;
}

/** A session id the browser chose (random per tab session), or undefined when it is not one. */
export function sessionOf(value: unknown): string | undefined {
  return typeof value === 'string' && SESSION_ID.test(value) ? value : undefined;
}

function normalize(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
