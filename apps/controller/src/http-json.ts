import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { MgmError, httpStatusByCode, isStoreUnavailable, toApiError } from '@mgm/protocol';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new MgmError('BAD_REQUEST', 'the body is not valid JSON');
  }
}

export function methodNotAllowed(res: ServerResponse, allowed: string): void {
  res.setHeader('allow', allowed);
  sendJson(res, 405, { error: { code: 'BAD_REQUEST', message: `use ${allowed} on this route` } });
}

/**
 * Answers a failed request as `{error: {code, message}}` with the status of the code, logging
 * anything that is not an MgmError. Once headers are out, the connection is dropped instead.
 */
export function sendError(req: IncomingMessage, res: ServerResponse, error: unknown, logger: Logger): void {
  if (isStoreUnavailable(error)) logger.warn({ method: req.method, url: req.url, reason: (error as Error).message }, 'request refused: Redis is unavailable');
  else if (!(error instanceof MgmError)) logger.error({ err: error, method: req.method, url: req.url }, 'request failed');
  const apiError = toApiError(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = httpStatusByCode[apiError.code];
  const retryAfter = error instanceof MgmError ? error.details?.retryAfterSeconds : undefined;
  if (typeof retryAfter === 'number') res.setHeader('retry-after', String(retryAfter));
  // A body we refused to read all of may still be arriving: close the connection after answering.
  if (!req.complete) res.setHeader('connection', 'close');
  sendJson(res, status, { error: apiError });
}
