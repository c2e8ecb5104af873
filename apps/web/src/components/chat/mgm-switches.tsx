import type { SamplingParams } from '@mgm/protocol';

export interface MgmSwitchesProps {
  params: SamplingParams;
  onParamsChange: (params: SamplingParams) => void;
}

function Switch({ label, hint, checked, onChange, testId }: { label: string; hint: string; checked: boolean; onChange: (v: boolean) => void; testId: string }) {
  return (
    <label className="flex cursor-pointer items-start justify-between gap-3">
      <span>
        <span className="block text-sm font-medium text-slate-700">{label}</span>
        <span className="block text-xs text-slate-500">{hint}</span>
      </span>
      <input
        type="checkbox"
        role="switch"
        aria-checked={checked}
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        data-testid={testId}
        className="mt-1 size-4 accent-brand-600"
      />
    </label>
  );
}

/** MGM's two extra functions: OCR text for the model, and image generation from its answer. */
export function MgmSwitches({ params, onParamsChange }: MgmSwitchesProps) {
  return (
    <div className="space-y-3">
      <Switch
        label="Use OCR"
        hint="Read the image's text (PaddleOCR) and give it to the model"
        checked={params.useOcr === true}
        onChange={(useOcr) => onParamsChange({ ...params, useOcr })}
        testId="use-ocr-switch"
      />
      <Switch
        label="Generate image"
        hint="Ask for an image prompt and draw it"
        checked={params.generateImage === true}
        onChange={(generateImage) => onParamsChange({ ...params, generateImage })}
        testId="generate-image-switch"
      />
    </div>
  );
}
