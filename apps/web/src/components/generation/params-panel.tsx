import type { ImageMode, SamplingParams } from '@mgm/protocol';
import { useId } from 'react';
import { RangeField } from '@/components/ui/range-field.tsx';

export interface ParamsPanelProps {
  params: SamplingParams;
  onParamsChange: (params: SamplingParams) => void;
  imageMode: ImageMode;
  onImageModeChange: (mode: ImageMode) => void;
}

const imageModes: Array<{ value: ImageMode; label: string; hint: string }> = [
  { value: 'default', label: 'Default', hint: "the checkpoint's own mode" },
  { value: 'pad', label: 'Pad', hint: 'fit inside a square, pad the rest' },
  { value: 'crop', label: 'Crop', hint: 'centre square crop' },
  { value: 'resize', label: 'Resize', hint: 'stretch to a square' },
];

/** MGM's generation controls: temperature, top-p, max output tokens, image process mode, and the rest under Advanced. */
export function ParamsPanel({ params, onParamsChange, imageMode, onImageModeChange }: ParamsPanelProps) {
  const seedId = useId();
  const set = (patch: Partial<SamplingParams>) => onParamsChange({ ...params, ...patch });
  return (
    <div className="space-y-5">
      <fieldset className="space-y-2">
        <legend className="mb-2 text-sm font-medium text-slate-700">Image process mode</legend>
        <div className="grid grid-cols-4 gap-1 rounded-lg bg-slate-100 p-1" role="radiogroup">
          {imageModes.map((mode) => (
            <label
              key={mode.value}
              title={mode.hint}
              className={`cursor-pointer rounded-md px-1 py-1.5 text-center text-xs font-medium transition-colors ${
                imageMode === mode.value ? 'bg-surface text-slate-900 shadow-sm' : 'text-slate-500 hover:text-slate-800'
              }`}
            >
              <input
                type="radio"
                name="image-mode"
                value={mode.value}
                checked={imageMode === mode.value}
                onChange={() => onImageModeChange(mode.value)}
                className="sr-only"
              />
              {mode.label}
            </label>
          ))}
        </div>
        <p className="text-xs text-slate-500">{imageModes.find((mode) => mode.value === imageMode)?.hint}</p>
      </fieldset>
      <RangeField
        label="Temperature"
        name="temperature"
        value={params.temperature}
        min={0}
        max={1}
        step={0.1}
        onChange={(temperature) => set({ temperature })}
        formatValue={(value) => (value === 0 ? '0 (greedy)' : value.toFixed(1))}
      />
      <RangeField label="Top P" name="top-p" value={params.topP} min={0.1} max={1} step={0.1} onChange={(topP) => set({ topP })} formatValue={(value) => value.toFixed(1)} />
      <RangeField
        label="Max output tokens"
        name="max-new-tokens"
        value={params.maxNewTokens}
        min={16}
        max={1024}
        step={16}
        onChange={(maxNewTokens) => set({ maxNewTokens })}
      />
      <details className="group rounded-lg border border-slate-200 bg-surface px-3 py-2">
        <summary className="cursor-pointer select-none text-sm font-medium text-slate-600">Advanced</summary>
        <div className="mt-4 space-y-5 pb-1">
          <RangeField
            label="Top K"
            name="top-k"
            value={params.topK}
            min={0}
            max={100}
            step={1}
            onChange={(topK) => set({ topK })}
            formatValue={(value) => (value === 0 ? 'off' : String(value))}
          />
          <RangeField
            label="Repetition penalty"
            name="repetition-penalty"
            value={params.repetitionPenalty}
            min={1}
            max={2}
            step={0.05}
            onChange={(repetitionPenalty) => set({ repetitionPenalty })}
            formatValue={(value) => value.toFixed(2)}
          />
          <div className="space-y-1.5">
            <label htmlFor={seedId} className="text-sm font-medium text-slate-700">
              Seed
            </label>
            <input
              id={seedId}
              type="number"
              min={0}
              step={1}
              inputMode="numeric"
              placeholder="random"
              value={params.seed ?? ''}
              onChange={(event) => {
                const raw = event.target.value;
                const seed = raw === '' ? undefined : Math.max(0, Math.min(2 ** 32 - 1, Math.trunc(Number(raw))));
                set({ seed: Number.isFinite(seed) ? seed : undefined });
              }}
              className="h-9 w-full rounded-lg border border-slate-300 px-3 text-sm"
            />
          </div>
        </div>
      </details>
    </div>
  );
}
