import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MgmError, type RedisKeys, describeZodError, imageLensSchema, jobIdSchema } from '@mgm/protocol';
import { methodNotAllowed, sendError, sendJson } from './http-json.ts';

export interface LensRouteDeps {
  redis: Pick<Redis, 'get'>;
  keys: RedisKeys;
  logger: Logger;
}

const LENS_PATH = /^\/api\/lens\/([^/]+)$/;

/**
 * `GET /api/lens/:jobId`: what the model saw for one answer (@mgm/protocol's imageLensSchema),
 * stored by the worker when the job was asked with `explain: true` and had an image. Other
 * paths go to `next`.
 */
export function withLensRoute(
  deps: LensRouteDeps,
  next: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  const logger = deps.logger.child({ component: 'lens' });
  return (req, res) => {
    const match = LENS_PATH.exec(new URL(req.url ?? '/', 'http://controller').pathname);
    if (!match) return next(req, res);
    answerLens(deps, req, res, decodeURIComponent(match[1] as string)).catch((error: unknown) => sendError(req, res, error, logger));
  };
}

async function answerLens(deps: LensRouteDeps, req: IncomingMessage, res: ServerResponse, rawJobId: string): Promise<void> {
  if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
  const jobId = jobIdSchema.safeParse(rawJobId);
  if (!jobId.success) throw new MgmError('BAD_REQUEST', `invalid job id: ${describeZodError(jobId.error)}`);
  const text = await deps.redis.get(deps.keys.jobLens(jobId.data));
  if (text === null) {
    throw new MgmError(
      'NOT_FOUND',
      `no lens for job ${jobId.data}: it is stored when a question with an image is asked with explain: true, once the answer ends, and expires with the job`,
    );
  }
  const lens = imageLensSchema.safeParse(JSON.parse(text));
  if (!lens.success) throw new MgmError('INTERNAL', `the stored lens of job ${jobId.data} is invalid: ${describeZodError(lens.error)}`);
  sendJson(res, 200, lens.data);
}
