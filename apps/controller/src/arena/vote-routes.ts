import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import {
  MgmError,
  compareVoteInputSchema,
  describeZodError,
  voteModeSchema,
  type VoteResult,
} from '@mgm/protocol';
import { methodNotAllowed, parseJson, sendError, sendJson } from '../http-json.ts';
import { readBody } from '../read-body.ts';
import { recordCompareVote } from './compare-votes.ts';
import type { AnswerSource } from './judged-answer.ts';
import type { LeaderboardCache } from './leaderboard-cache.ts';
import { clientIp, type ClientLimits } from '../limits/index.ts';
import type { VoteStore } from './vote-store.ts';

export interface VoteRoutesDeps {
  source: AnswerSource;
  votes: VoteStore;
  logger: Logger;
  limits: ClientLimits | null;
  leaderboard: Pick<LeaderboardCache, 'current'>;
  /** Whether a request carries the admin token or session: the export holds everyone's conversations. */
  authorizeAdmin: (req: IncomingMessage) => Promise<boolean>;
}

/** Handles a request when it is one of these routes; resolves false to let the next handler answer. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const MAX_VOTE_BYTES = 16 * 1024;

/**
 * `POST /api/votes` (a compare vote), `GET /api/votes/export[?mode=arena|compare]` (every vote as
 * JSONL; admin token or session only: it holds everyone's conversations, answers and image hashes) and `GET /api/leaderboard` (ratings of the blind votes, from the
 * LeaderboardCache: recomputed in a thread after votes change, at most every LEADERBOARD_REFRESH_MS).
 * Failures answer `{error: {code, message}}` with the code's status, as the rest of the API.
 */
export function createVoteRoutes(deps: VoteRoutesDeps): RouteHandler {
  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const method = req.method ?? 'GET';
    switch (url.pathname) {
      case '/api/votes': {
        if (method !== 'POST') {
          methodNotAllowed(res, 'POST');
          return true;
        }
        await deps.limits?.vote({ ip: clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for']) });
        const parsed = compareVoteInputSchema.safeParse(parseJson(await readBody(req, MAX_VOTE_BYTES)));
        if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid vote: ${describeZodError(parsed.error)}`);
        const result: VoteResult = await recordCompareVote(deps.source, deps.votes, parsed.data);
        sendJson(res, 201, result);
        return true;
      }
      case '/api/votes/export': {
        if (method !== 'GET') {
          methodNotAllowed(res, 'GET');
          return true;
        }
        if (!(await deps.authorizeAdmin(req))) {
          throw new MgmError('UNAUTHORIZED', 'the vote export holds everyone\'s conversations: it needs the admin token (Authorization: Bearer) or an admin session');
        }
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
        if (method !== 'GET') {
          methodNotAllowed(res, 'GET');
          return true;
        }
        sendJson(res, 200, await deps.leaderboard.current());
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
      sendError(req, res, error, deps.logger);
      return true;
    }
  };
}
