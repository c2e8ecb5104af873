import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import {
  MgmError,
  compareVoteInputSchema,
  describeZodError,
  httpStatusByCode,
  toApiError,
  voteModeSchema,
  type LeaderboardResponse,
  type VoteResult,
} from '@mgm/protocol';
import { readBody } from '../read-body.ts';
import { recordCompareVote } from './compare-votes.ts';
import type { AnswerSource } from './judged-answer.ts';
import { computeLeaderboard, type LeaderboardOptions } from './leaderboard.ts';
import type { VoteStore } from './vote-store.ts';

export interface VoteRoutesDeps {
  source: AnswerSource;
  votes: VoteStore;
  logger: Logger;
  leaderboard: LeaderboardOptions;
}

/** Handles a request when it is one of these routes; resolves false to let the next handler answer. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const MAX_VOTE_BYTES = 16 * 1024;

/**
 * `POST /api/votes` (a compare vote), `GET /api/votes/export[?mode=arena|compare]` (every vote as
 * JSONL) and `GET /api/leaderboard` (ratings of the blind votes, recomputed when votes change).
 * Failures answer `{error: {code, message}}` with the code's status, as the rest of the API.
 */
export function createVoteRoutes(deps: VoteRoutesDeps): RouteHandler {
  let cached: { key: string; board: LeaderboardResponse } | null = null;

  const leaderboard = async (): Promise<LeaderboardResponse> => {
    const votes = await deps.votes.list();
    const key = `${votes.length}:${votes.at(-1)?.id ?? ''}`;
    if (cached?.key !== key) cached = { key, board: computeLeaderboard(votes, deps.leaderboard) };
    return cached.board;
  };

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const method = req.method ?? 'GET';
    switch (url.pathname) {
      case '/api/votes': {
        if (method !== 'POST') return methodNotAllowed(res, 'POST');
        const parsed = compareVoteInputSchema.safeParse(parseJson(await readBody(req, MAX_VOTE_BYTES)));
        if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid vote: ${describeZodError(parsed.error)}`);
        const result: VoteResult = await recordCompareVote(deps.source, deps.votes, parsed.data);
        sendJson(res, 201, result);
        return true;
      }
      case '/api/votes/export': {
        if (method !== 'GET') return methodNotAllowed(res, 'GET');
        const rawMode = url.searchParams.get('mode');
        const mode = rawMode === null ? undefined : voteModeSchema.safeParse(rawMode);
        if (mode && !mode.success) throw new MgmError('BAD_REQUEST', 'mode is "arena" or "compare"');
        const body = await deps.votes.exportJsonl(mode?.data);
        res.writeHead(200, {
          'content-type': 'application/x-ndjson; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          'content-disposition': `attachment; filename="votes${mode ? `-${mode.data}` : ''}.jsonl"`,
          'cache-control': 'no-store',
        });
        res.end(body);
        return true;
      }
      case '/api/leaderboard': {
        if (method !== 'GET') return methodNotAllowed(res, 'GET');
        sendJson(res, 200, await leaderboard());
        return true;
      }
      default:
        return false;
    }
  };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://controller');
    try {
      return await route(req, res, url);
    } catch (error) {
      if (!(error instanceof MgmError)) deps.logger.error({ err: error, method: req.method, url: req.url }, 'request failed');
      const apiError = toApiError(error);
      if (res.headersSent) res.destroy();
      else {
        const status = httpStatusByCode[apiError.code];
        if (status === 413) res.setHeader('connection', 'close');
        sendJson(res, status, { error: apiError });
      }
      return true;
    }
  };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new MgmError('BAD_REQUEST', 'the body is not valid JSON');
  }
}

function methodNotAllowed(res: ServerResponse, allowed: string): true {
  res.setHeader('allow', allowed);
  sendJson(res, 405, { error: { code: 'BAD_REQUEST', message: `use ${allowed} on this route` } });
  return true;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}
