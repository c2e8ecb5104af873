import type { IncomingMessage } from 'node:http';
import { MgmError, type ErrorCode } from '@mgm/protocol';

/**
 * How much of a body above its limit is still read (and dropped) before the 413 is sent. A client
 * that is still sending when the server answers and closes sees EPIPE / ECONNRESET, never the
 * 413; reading the rest first lets Node's fetch, curl and browsers read the answer. Bodies
 * declared (or found) larger than this are cut off: answered, then the connection is closed.
 */
export const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * Reads a request body, refusing one larger than `limit` bytes with `tooLargeCode` (413). The
 * part above the limit is read and dropped (up to MAX_DRAIN_BYTES in all) so the answer is
 * readable; `req.complete` tells the error handler whether the connection can stay open.
 */
export async function readBody(req: IncomingMessage, limit: number, tooLargeCode: ErrorCode = 'PAYLOAD_TOO_LARGE'): Promise<Buffer> {
  const tooLarge = () =>
    new MgmError(tooLargeCode, `the request body is larger than the limit of ${formatBytes(limit)}`, { details: { limit } });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    if (declared <= MAX_DRAIN_BYTES) await consume(req, () => true);
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  // Plain 'data' events, not `for await`: leaving an async iterator early destroys the socket.
  await consume(req, (chunk) => {
    size += chunk.length;
    if (size > limit) {
      over = true;
      chunks.length = 0;
      return size <= MAX_DRAIN_BYTES;
    }
    chunks.push(chunk);
    return true;
  });
  if (over) throw tooLarge();
  return Buffer.concat(chunks, size);
}

/** Reads a body to its end, or until `onChunk` answers false (then pauses it); rejects on a request error. */
function consume(req: IncomingMessage, onChunk: (chunk: Buffer) => boolean): Promise<void> {
  if (req.complete && req.readableEnded) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onData = (chunk: Buffer) => {
      if (!onChunk(chunk)) {
        req.pause();
        finish();
      }
    };
    const onEnd = () => finish();
    const onError = (error: Error) => finish(new MgmError('BAD_REQUEST', `the request body could not be read: ${error.message}`, { cause: error }));
    const onClose = () => (req.complete ? finish() : finish(new MgmError('BAD_REQUEST', 'the client closed the connection before sending the whole body')));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
    req.resume();
  });
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} bytes`;
}
