import { createHash } from 'node:crypto';
import { PANE_LABELS, compareVoteInputSchema, type VoteResult } from '@mgm/protocol';
import type { z } from 'zod';
import { readJudgedAnswer, type AnswerSource } from './judged-answer.ts';
import type { VoteStore } from './vote-store.ts';

export const NOT_COUNTED_NAMED = 'the voter saw the model names (comparison votes are recorded, not rated)';
export const NOT_COUNTED_REPEAT = 'the same vote on these answers was already recorded';

/**
 * Records a vote of the compare page. The browser names the jobs and the verdict; the models,
 * questions, answers, params, image hash and timings are read from the jobs themselves.
 */
export async function recordCompareVote(
  source: AnswerSource,
  votes: VoteStore,
  input: z.output<typeof compareVoteInputSchema>,
): Promise<VoteResult> {
  const answers = await Promise.all(input.jobIds.map((jobId) => readJudgedAnswer(source, jobId)));
  // Identical votes (the same answers, in the same panes, the same choice) are recorded once.
  const digest = createHash('sha256').update(JSON.stringify([input.jobIds, input.choice])).digest('hex');
  const onceKey = source.keys.compareVoteOnce(digest);
  const ttlSeconds = 24 * 3600;
  if ((await source.redis.set(onceKey, 'pending', 'EX', ttlSeconds, 'NX')) === null) {
    const existing = await source.redis.get(onceKey);
    return { id: existing ?? 'pending', counted: false, notCountedReason: NOT_COUNTED_REPEAT };
  }
  const record = await votes.append({
    mode: 'compare',
    battleId: null,
    blind: false,
    counted: false,
    notCountedReason: NOT_COUNTED_NAMED,
    choice: input.choice,
    panes: answers.map((answer, i) => ({ label: PANE_LABELS[i]!, ...answer })),
    turns: input.turns,
  });
  await source.redis.set(onceKey, record.id, 'EX', ttlSeconds);
  return { id: record.id, counted: record.counted, notCountedReason: record.notCountedReason };
}
