import type { ImageMode, ModelSummary, SamplingParams } from '@mgm/protocol';
import type { ReactNode } from 'react';
import { ImagePanel } from '@/components/generation/image-panel.tsx';
import { ModelPicker } from '@/components/generation/model-picker.tsx';
import { ParamsPanel } from '@/components/generation/params-panel.tsx';
import { Button } from '@/components/ui/button.tsx';
import type { ChatImage } from '@/lib/chat-state.ts';
import type { UploadState } from '@/lib/use-image-upload.ts';
import { MgmSwitches } from './mgm-switches.tsx';

export interface SettingsPanelProps {
  models: readonly ModelSummary[];
  modelsLoading: boolean;
  modelsError: string | null;
  model: string | null;
  onModelChange: (model: string) => void;
  image: ChatImage | null;
  upload: UploadState;
  onBrowse: () => void;
  onRemoveImage?: () => void;
  onDismissUploadError: () => void;
  conversationStarted: boolean;
  params: SamplingParams;
  onParamsChange: (params: SamplingParams) => void;
  imageMode: ImageMode;
  onImageModeChange: (mode: ImageMode) => void;
  onResetParams: () => void;
}

function Section({ title, action, children }: { title: string; action?: ReactNode; children: ReactNode }) {
  return (
    <section className="space-y-3 border-b border-slate-100 px-5 py-5 last:border-b-0">
      <div className="flex items-center justify-between">
        <h2 className="text-xs font-semibold uppercase tracking-wider text-slate-400">{title}</h2>
        {action}
      </div>
      {children}
    </section>
  );
}

export function SettingsPanel(props: SettingsPanelProps) {
  return (
    <div>
      <Section title="Model">
        <ModelPicker
          models={props.models}
          value={props.model}
          onChange={props.onModelChange}
          loading={props.modelsLoading}
          error={props.modelsError}
          hideLabel
        />
      </Section>
      <Section title="Image">
        <ImagePanel
          image={props.image}
          upload={props.upload}
          onBrowse={props.onBrowse}
          onRemove={props.onRemoveImage}
          onDismissError={props.onDismissUploadError}
        />
        {props.conversationStarted ? (
          <p className="text-xs text-slate-500">A new image starts a new conversation.</p>
        ) : null}
      </Section>
      <Section title="MGM functions">
        <MgmSwitches params={props.params} onParamsChange={props.onParamsChange} />
      </Section>
      <Section
        title="Parameters"
        action={
          <Button size="sm" variant="ghost" onClick={props.onResetParams}>
            Reset
          </Button>
        }
      >
        <ParamsPanel
          params={props.params}
          onParamsChange={props.onParamsChange}
          imageMode={props.imageMode}
          onImageModeChange={props.onImageModeChange}
        />
      </Section>
    </div>
  );
}
