import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isMgmError, type ErrorCode } from '@mgm/protocol';

/** OpenAI's error `type`s that this API answers with. */
export type OpenAiErrorType = 'invalid_request_error' | 'authentication_error' | 'rate_limit_error' | 'server_error' | 'service_unavailable';

/** The body of every failed OpenAI-API answer: `{error: {message, type, param, code}}`, as OpenAI shapes it. */
export interface OpenAiErrorBody {
  error: { message: string; type: OpenAiErrorType; param: string | null; code: string | null };
}

/** An error of the OpenAI API: its HTTP status, OpenAI type and code, and the parameter at fault. */
export class OpenAiError extends Error {
  constructor(
    readonly status: number,
    readonly type: OpenAiErrorType,
    readonly code: string | null,
    message: string,
    readonly param: string | null = null,
    /** Seconds, sent as Retry-After (429). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'OpenAiError';
  }

  body(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null): OpenAiError =>
  new OpenAiError(400, 'invalid_request_error', code, message, param);

/** How each platform error code reads in OpenAI's terms (status, type, code). */
const BY_CODE: Record<ErrorCode, { status: number; type: OpenAiErrorType; code: string | null }> = {
  BAD_REQUEST: { status: 400, type: 'invalid_request_error', code: null },
  IMAGE_INVALID: { status: 400, type: 'invalid_request_error', code: 'invalid_image' },
  IMAGE_TOO_LARGE: { status: 413, type: 'invalid_request_error', code: 'image_too_large' },
  IMAGE_NOT_FOUND: { status: 400, type: 'invalid_request_error', code: 'image_not_found' },
  MODEL_NOT_FOUND: { status: 404, type: 'invalid_request_error', code: 'model_not_found' },
  NO_WORKER: { status: 503, type: 'service_unavailable', code: 'no_worker' },
  PROMPT_TOO_LONG: { status: 400, type: 'invalid_request_error', code: 'context_length_exceeded' },
  MANIFEST_INVALID: { status: 500, type: 'server_error', code: 'manifest_invalid' },
  CHECKPOINT_FILE_MISSING: { status: 500, type: 'server_error', code: 'checkpoint_file_missing' },
  GRAPH_MISMATCH: { status: 500, type: 'server_error', code: 'graph_mismatch' },
  TEMPLATE_UNKNOWN: { status: 500, type: 'server_error', code: 'template_unknown' },
  PROVIDER_UNAVAILABLE: { status: 500, type: 'server_error', code: 'provider_unavailable' },
  WORKER_FAILED: { status: 500, type: 'server_error', code: 'worker_failed' },
  CANCELLED: { status: 499, type: 'invalid_request_error', code: 'cancelled' },
  UNAUTHORIZED: { status: 401, type: 'authentication_error', code: 'invalid_api_key' },
  NOT_FOUND: { status: 404, type: 'invalid_request_error', code: 'unknown_url' },
  JOB_NOT_FOUND: { status: 404, type: 'invalid_request_error', code: 'not_found' },
  PAYLOAD_TOO_LARGE: { status: 413, type: 'invalid_request_error', code: 'request_too_large' },
  IMAGE_GEN_FAILED: { status: 500, type: 'server_error', code: 'image_generation_failed' },
  INTERNAL: { status: 500, type: 'server_error', code: 'internal_error' },
  UNAVAILABLE: { status: 503, type: 'service_unavailable', code: 'unavailable' },
  RATE_LIMITED: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  STREAM_LOST: { status: 502, type: 'server_error', code: 'stream_lost' },
};

/** Anything thrown, as an OpenAiError; unknown errors hide their message. */
export function toOpenAiError(error: unknown): OpenAiError {
  if (error instanceof OpenAiError) return error;
  if (isMgmError(error)) {
    const mapped = fromCode(error.code, error.message);
    const retryAfter = error.details?.retryAfterSeconds;
    return typeof retryAfter === 'number' ? new OpenAiError(mapped.status, mapped.type, mapped.code, mapped.message, null, retryAfter) : mapped;
  }
  return new OpenAiError(500, 'server_error', 'internal_error', 'internal error (see the server log)');
}

export function fromCode(code: ErrorCode, message: string): OpenAiError {
  const mapped = BY_CODE[code];
  return new OpenAiError(mapped.status, mapped.type, mapped.code, message);
}

/** Answers an error as OpenAI does; logs what is not an expected error. Once headers are out, drops the connection. */
export function sendOpenAiError(res: ServerResponse, error: unknown, logger: Logger): void {
  const apiError = toOpenAiError(error);
  if (apiError.status >= 500 && !isMgmError(error) && !(error instanceof OpenAiError)) logger.error({ err: error }, 'OpenAI API request failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(apiError.body());
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  };
  if (apiError.retryAfterSeconds !== null) headers['retry-after'] = String(apiError.retryAfterSeconds);
  if (apiError.status === 401) headers['www-authenticate'] = 'Bearer realm="mgm-openai"';
  // A body we refused to read may still be arriving: close the connection after answering.
  if (apiError.status === 413) headers.connection = 'close';
  res.writeHead(apiError.status, headers);
  res.end(text);
}
