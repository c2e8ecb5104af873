import type { ModelEvaluation } from '@mgm/protocol';
import { questionTypeName } from '@/lib/model-card.ts';

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

/** The checkpoint's measured scores per question type, as its manifest records them (not typed in here). */
export function ModelScores({ evaluation }: { evaluation: ModelEvaluation }) {
  return (
    <div className="space-y-1.5 rounded-lg bg-slate-50 px-3 py-2 text-xs text-slate-600" data-testid="model-scores">
      <div className="flex items-baseline justify-between">
        <span className="font-medium text-slate-700">Measured: {evaluation.n} questions</span>
        <span className="whitespace-nowrap tabular-nums" title="exact match over the short-answer types">
          overall <strong className="text-slate-900" data-testid="model-overall">{percent(evaluation.overall)}</strong>
        </span>
      </div>
      <ul className="space-y-1">
        {evaluation.byType.map((score) => (
          <li key={score.type} className="grid grid-cols-[6.5rem_1fr_3.5rem] items-center gap-2" title={`${score.n} questions · ${score.metric === 'f1' ? 'token F1' : 'exact match'}`}>
            <span className="truncate">{questionTypeName(score.type)}</span>
            <span className="h-1.5 overflow-hidden rounded-full bg-slate-200" aria-hidden="true">
              <span className="block h-full rounded-full bg-brand-500" style={{ width: `${score.value * 100}%` }} />
            </span>
            <span className="text-right tabular-nums">
              {score.metric === 'f1' ? `F1 ${score.value.toFixed(2)}` : percent(score.value)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
