'use client';

import type { ModelSummary } from '@mgm/protocol';
import { AnswerMetrics } from '@/components/generation/answer-metrics.tsx';
import { LensToggle } from '@/components/lens/lens-toggle.tsx';
import type { ChatImage } from '@/lib/chat-state.ts';
import { paneLabel, type ComparePane, type CompareTurn } from '@/lib/compare/compare-state.ts';
import type { JobState } from '@/lib/job-state.ts';
import { AnswerCard } from './compare-answer.tsx';
import { QuestionBubble } from '@/components/generation/question-bubble.tsx';

/** Column classes per pane count: panes stack on a phone, sit side by side from a tablet up. */
export const paneGridClass: Record<number, string> = {
  2: 'grid-cols-1 md:grid-cols-2',
  3: 'grid-cols-1 md:grid-cols-2 xl:grid-cols-3',
  4: 'grid-cols-1 md:grid-cols-2 2xl:grid-cols-4',
};

export interface CompareTurnViewProps {
  turn: CompareTurn;
  panes: readonly ComparePane[];
  models: readonly ModelSummary[];
  jobs: Readonly<Record<string, JobState>>;
  image: ChatImage | null;
  isLast: boolean;
  onStop: (paneId: string) => void;
  onRegenerate: (paneId: string) => void;
}

/** One question and every pane's answer to it, each streaming on its own. */
export function CompareTurnView({ turn, panes, models, jobs, image, isLast, onStop, onRegenerate }: CompareTurnViewProps) {
  const chosen = turn.vote?.status === 'recorded' && turn.vote.choice.type === 'pane' ? turn.vote.choice.pane : null;
  return (
    <div className="space-y-3" data-testid="compare-turn">
      <QuestionBubble question={turn.question} image={image} />
      <div className={`grid gap-3 ${paneGridClass[panes.length] ?? paneGridClass[4]}`}>
        {panes.map((pane, index) => {
          const jobId = turn.jobs[pane.id];
          const job = jobId ? jobs[jobId] : undefined;
          const model = models.find((candidate) => candidate.id === pane.model);
          return (
            <AnswerCard
              key={pane.id}
              testId="compare-answer"
              data={{ model: pane.model }}
              label={paneLabel(index)}
              title={model?.displayName ?? pane.model}
              subtitle={model && model.displayName !== pane.model ? pane.model : null}
              status={job?.status ?? 'sending'}
              text={job?.text ?? ''}
              error={job?.error ?? null}
              footer={
                job ? (
                  <>
                    <AnswerMetrics job={job} />
                    {job.lens ? <LensToggle jobId={job.jobId} modelName={model?.displayName ?? pane.model} /> : null}
                  </>
                ) : null
              }
              onStop={isLast && job ? () => onStop(pane.id) : undefined}
              onRegenerate={isLast && job ? () => onRegenerate(pane.id) : undefined}
              highlighted={chosen === index}
            />
          );
        })}
      </div>
    </div>
  );
}
