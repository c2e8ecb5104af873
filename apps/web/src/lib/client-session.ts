/**
 * A random id for this browser tab's session, sent in the socket.io handshake (`auth.session`):
 * the controller charges its per-session limits to it (and its per-IP limits to the address).
 */
export function clientSession(): string {
  const key = 'mgm-session';
  try {
    const existing = window.sessionStorage.getItem(key);
    if (existing && /^[A-Za-z0-9_-]{8,64}$/.test(existing)) return existing;
    const id = crypto.randomUUID();
    window.sessionStorage.setItem(key, id);
    return id;
  } catch {
    return crypto.randomUUID();
  }
}
