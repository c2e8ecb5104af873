// The leaderboard thread (leaderboard-thread.ts): the Bradley–Terry fit and its bootstrap rounds,
// off the controller's event loop.
import { serveTasks } from '../threads/serve-tasks.ts';
import { leaderboardOfSummary } from './leaderboard.ts';
import { decodeVoteSummary, voteSummaryMessageSchema } from './vote-summary-message.ts';

serveTasks(
  (request) => decodeVoteSummary(voteSummaryMessageSchema.parse(request)),
  async ({ summary, options }) => ({ result: leaderboardOfSummary(summary, options) }),
);
