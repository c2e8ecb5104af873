import { useId } from 'react';

export interface RangeFieldProps {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange: (value: number) => void;
  hint?: string;
  /** Shown instead of the number, e.g. "greedy" at temperature 0. */
  formatValue?: (value: number) => string;
  name?: string;
}

export function RangeField({ label, value, min, max, step, onChange, hint, formatValue, name }: RangeFieldProps) {
  const id = useId();
  return (
    <div className="space-y-1.5">
      <div className="flex items-baseline justify-between gap-2">
        <label htmlFor={id} className="text-sm font-medium text-slate-700">
          {label}
        </label>
        <output htmlFor={id} className="font-mono text-xs tabular-nums text-slate-600">
          {formatValue ? formatValue(value) : value}
        </output>
      </div>
      <input
        id={id}
        name={name}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        onChange={(event) => onChange(Number(event.target.value))}
        className="w-full accent-brand-600"
      />
      {hint ? <p className="text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}
