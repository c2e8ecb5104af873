'use client';

import { ARENA_SIDES, type ArenaRevealedSide } from '@mgm/protocol';
import { AnswerCard } from '@/components/compare/compare-answer.tsx';
import type { ChatImage } from '@/lib/chat-state.ts';
import type { ArenaTurn, ArenaVoteOutcome } from '@/lib/arena/arena-state.ts';
import { speedIsMeaningful } from '@/lib/answer-figures.ts';
import { formatMs, formatRate } from '@/lib/format.ts';
import { QuestionBubble } from '@/components/generation/question-bubble.tsx';

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <span className="inline-flex items-baseline gap-1">
      <span className="text-slate-400">{label}</span>
      <span className="font-medium tabular-nums text-slate-600">{value}</span>
    </span>
  );
}

/**
 * Before the vote: no figures at all (a time or a speed can give a model away: mgm-tiny-hd is
 * 2-3x slower than the others). After it: what the server revealed, speed from
 * MIN_TOKENS_FOR_SPEED tokens on.
 */
function ArenaFigures({ revealed }: { revealed: ArenaRevealedSide | null }) {
  if (!revealed) {
    return (
      <p className="text-xs text-slate-400" data-testid="answer-metrics" data-hidden="true">
        Timings are shown after your vote
      </p>
    );
  }
  return (
    <div className="flex flex-wrap gap-x-4 gap-y-1 text-xs" data-testid="answer-metrics" data-hidden="false">
      <Figure label="TTFT" value={formatMs(revealed.timingsMs.ttft)} />
      {speedIsMeaningful(revealed.tokens.generated) ? <Figure label="speed" value={formatRate(revealed.tokensPerSecond)} /> : null}
      <Figure label="tokens" value={String(revealed.tokens.generated)} />
      <Figure label="total" value={formatMs(revealed.timingsMs.total)} />
      {revealed.workerId ? <Figure label="worker" value={revealed.workerId} /> : null}
    </div>
  );
}

export interface ArenaTurnViewProps {
  turn: ArenaTurn;
  image: ChatImage | null;
  isLast: boolean;
  vote: ArenaVoteOutcome | null;
}

/** One question and the two anonymous answers, side A and side B. */
export function ArenaTurnView({ turn, image, isLast, vote }: ArenaTurnViewProps) {
  return (
    <div className="space-y-3" data-testid="arena-turn">
      <QuestionBubble question={turn.question} image={image} />
      <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
        {ARENA_SIDES.map((side) => {
          const answer = turn.answers[side];
          const label = side === 'a' ? 'A' : 'B';
          const revealed = vote ? vote.reveal[side] : null;
          const winner = vote && (vote.verdict === side);
          return (
            <AnswerCard
              key={side}
              testId="arena-answer"
              data={{ side }}
              label={label}
              title={revealed ? revealed.displayName : `Model ${label}`}
              subtitle={revealed ? revealed.model : 'name hidden until you vote'}
              status={answer.status}
              text={answer.text}
              error={answer.error}
              footer={<ArenaFigures revealed={isLast ? revealed : null} />}
              highlighted={Boolean(winner)}
            />
          );
        })}
      </div>
    </div>
  );
}
