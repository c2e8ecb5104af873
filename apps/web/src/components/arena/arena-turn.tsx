'use client';

import { ARENA_SIDES, type ArenaRevealedSide } from '@mgm/protocol';
import { useEffect, useState } from 'react';
import { AnswerCard } from '@/components/compare/compare-answer.tsx';
import type { ChatImage } from '@/lib/chat-state.ts';
import { isAnswerActive, type ArenaAnswer, type ArenaTurn, type ArenaVoteOutcome } from '@/lib/arena/arena-state.ts';
import { formatMs, formatRate } from '@/lib/format.ts';
import { QuestionBubble } from '@/components/generation/question-bubble.tsx';

function useElapsed(answer: ArenaAnswer): number {
  const active = isAnswerActive(answer);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [active]);
  return Math.max(0, (answer.finishedAt ?? now) - answer.startedAt);
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <span className="inline-flex items-baseline gap-1">
      <span className="text-slate-400">{label}</span>
      <span className="font-medium tabular-nums text-slate-600">{value}</span>
    </span>
  );
}

/** Before the vote: only the elapsed time (speed figures could give a model away). After: what the server revealed. */
function ArenaFigures({ answer, revealed }: { answer: ArenaAnswer; revealed: ArenaRevealedSide | null }) {
  const elapsed = useElapsed(answer);
  return (
    <div className="flex flex-wrap gap-x-4 gap-y-1 text-xs" data-testid="answer-metrics">
      {revealed ? (
        <>
          <Figure label="TTFT" value={formatMs(revealed.timingsMs.ttft)} />
          <Figure label="speed" value={formatRate(revealed.tokensPerSecond)} />
          <Figure label="tokens" value={String(revealed.tokens.generated)} />
          <Figure label="total" value={formatMs(revealed.timingsMs.total)} />
          {revealed.workerId ? <Figure label="worker" value={revealed.workerId} /> : null}
        </>
      ) : (
        <Figure label={isAnswerActive(answer) ? 'elapsed' : 'took'} value={formatMs(elapsed)} />
      )}
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
              footer={<ArenaFigures answer={answer} revealed={isLast ? revealed : null} />}
              highlighted={Boolean(winner)}
            />
          );
        })}
      </div>
    </div>
  );
}
