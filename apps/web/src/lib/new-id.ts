let counter = 0;

/** A page-unique id (crypto.randomUUID needs a secure context, which a LAN http URL is not). */
export function newId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
