import {
  errorResponseSchema,
  leaderboardResponseSchema,
  voteResultSchema,
  type CompareVoteInput,
  type LeaderboardResponse,
  type VoteResult,
} from '@mgm/protocol';
import { ControllerRequestError } from './controller-http.ts';

async function call(input: string, init: RequestInit, what: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(input, init);
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new ControllerRequestError('INTERNAL', `${what} failed: the server cannot be reached`, 0);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = errorResponseSchema.safeParse(body);
    if (parsed.success) throw new ControllerRequestError(parsed.data.error.code, parsed.data.error.message, response.status);
    throw new ControllerRequestError('INTERNAL', `${what} failed: HTTP ${response.status}`, response.status);
  }
  return body;
}

/** `POST /api/votes`: a verdict on the answers of a comparison (the controller reads the rest from the jobs). */
export async function postCompareVote(input: CompareVoteInput): Promise<VoteResult> {
  const body = await call('/api/votes', { method: 'POST', body: JSON.stringify(input), headers: { 'content-type': 'application/json' } }, 'Recording the vote');
  const parsed = voteResultSchema.safeParse(body);
  if (!parsed.success) throw new ControllerRequestError('INTERNAL', 'Recording the vote: the controller answered in an unexpected shape', 200);
  return parsed.data;
}

export async function fetchLeaderboard(signal?: AbortSignal): Promise<LeaderboardResponse> {
  const body = await call('/api/leaderboard', { signal, cache: 'no-store' }, 'Loading the leaderboard');
  const parsed = leaderboardResponseSchema.safeParse(body);
  if (!parsed.success) throw new ControllerRequestError('INTERNAL', 'Loading the leaderboard: the controller answered in an unexpected shape', 200);
  return parsed.data;
}

export const VOTES_EXPORT_URL = '/api/votes/export';
