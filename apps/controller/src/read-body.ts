import type { IncomingMessage } from 'node:http';
import { MgmError, type ErrorCode } from '@mgm/protocol';

/** Reads a request body, refusing (before reading it all) one larger than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number, tooLargeCode: ErrorCode = 'PAYLOAD_TOO_LARGE'): Promise<Buffer> {
  const tooLarge = () =>
    new MgmError(tooLargeCode, `the request body is larger than the limit of ${formatBytes(limit)}`, { details: { limit } });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} bytes`;
}
