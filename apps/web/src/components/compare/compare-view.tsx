'use client';

import { defaultSamplingParams, type ModelSummary, type VoteChoice } from '@mgm/protocol';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { Composer } from '@/components/chat/composer.tsx';
import { ConnectionStatus } from '@/components/chat/connection-status.tsx';
import { ExampleGallery } from '@/components/chat/example-gallery.tsx';
import { AttachedImageNote } from '@/components/generation/attached-image-note.tsx';
import { ConnectionLostBanner } from '@/components/generation/connection-lost-banner.tsx';
import { ImageFileInput } from '@/components/generation/image-file-input.tsx';
import { ImagePanel } from '@/components/generation/image-panel.tsx';
import { ParamsPanel } from '@/components/generation/params-panel.tsx';
import { UploadErrorNote } from '@/components/generation/upload-error-note.tsx';
import { Button } from '@/components/ui/button.tsx';
import { CheckIcon, CopyIcon, PlusIcon, SlidersIcon, StopIcon } from '@/components/ui/icons.tsx';
import { compareLinkQuery, parseCompareLink, type CompareSetup } from '@/lib/compare/compare-link.ts';
import { choiceOptions, MAX_PANES, MIN_PANES, paneLabel, sameChoice } from '@/lib/compare/compare-state.ts';
import { useCompareSession } from '@/lib/compare/use-compare-session.ts';
import { examples, type Example } from '@/lib/examples.ts';
import { loadStoredImage } from '@/lib/load-stored-image.ts';
import { useGenerationClient, useGenerationSnapshot } from '@/lib/use-generation.tsx';
import { useFollowBottom } from '@/lib/use-follow-bottom.ts';
import { useImageUpload } from '@/lib/use-image-upload.ts';
import { useModels } from '@/lib/use-models.ts';
import { usePasteImage } from '@/lib/use-paste-image.ts';
import { CompareTurnView } from './compare-turn.tsx';
import { ModelSlots } from './model-slots.tsx';
import { PaneBadge } from './pane-badge.tsx';
import { DrawerSection, SideDrawer } from './side-drawer.tsx';
import { VerdictButtons, type VerdictOption } from './verdict-buttons.tsx';

/** MGM models with a ready worker first, then the other ready ones; up to three panes by default. */
function defaultModels(models: readonly ModelSummary[]): string[] {
  const ready = models.filter((model) => model.ready > 0);
  return [...ready.filter((m) => m.architecture === 'mgm'), ...ready.filter((m) => m.architecture !== 'mgm')].slice(0, 3).map((m) => m.id);
}

function choiceKey(choice: VoteChoice): string {
  return choice.type === 'pane' ? `pane-${choice.pane}` : choice.type;
}

export function CompareView() {
  const client = useGenerationClient();
  const { connected, everConnected, jobs } = useGenerationSnapshot();
  const { models, loading: modelsLoading, error: modelsError } = useModels();
  const compare = useCompareSession(client, jobs);
  const { session, settings, setSettings, setModels } = compare;
  const upload = useImageUpload(compare.attachImage);
  const [setup, setSetup] = useState<CompareSetup | null>(null);
  const [draft, setDraft] = useState('');
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [focusKey, setFocusKey] = useState(0);
  const fileInput = useRef<HTMLInputElement>(null);
  usePasteImage(upload.attach);

  // The setup of a shared link: models, parameters, question, and the image while it is stored.
  const attachImage = compare.attachImage;
  const linkRead = useRef(false);
  useEffect(() => {
    if (linkRead.current) return;
    linkRead.current = true;
    const linked = parseCompareLink(new URLSearchParams(window.location.search));
    setSetup(linked);
    setSettings({ params: linked.params, imageMode: linked.imageMode });
    if (linked.question) setDraft(linked.question);
    if (linked.imageId) {
      void loadStoredImage(linked.imageId, 'image from the link').then(
        (image) => {
          if (image) attachImage(image);
          else setNotice('The image of this link is no longer stored (uploads expire): attach it again.');
        },
        () => setNotice('The image of this link could not be loaded: attach it again.'),
      );
    }
  }, [attachImage, setSettings]);

  useEffect(() => {
    if (!setup || session.panes.length > 0 || models.length === 0) return;
    const wanted = [...setup.models];
    for (const id of defaultModels(models)) if (wanted.length < MIN_PANES && !wanted.includes(id)) wanted.push(id);
    const chosen = setup.models.length > 0 ? wanted : defaultModels(models);
    if (chosen.length >= MIN_PANES) setModels(chosen.slice(0, MAX_PANES));
  }, [setup, models, session.panes.length, setModels]);

  const lastTurn = session.turns.at(-1);
  const lastKey = lastTurn ? `${lastTurn.id}:${Object.values(lastTurn.jobs).map((id) => (id ? `${jobs[id]?.text.length}:${jobs[id]?.status}` : '-')).join(',')}` : '';
  const { scroller, onScroll, resume: followAgain } = useFollowBottom(`${session.turns.length}:${lastKey}`, session.turns.length > 0);

  const browse = useCallback(() => fileInput.current?.click(), []);
  const pickExample = useCallback(
    async (example: Example) => {
      setDrawerOpen(false);
      const blob = await (await fetch(example.image)).blob();
      setDraft(example.question);
      await upload.attach(blob, example.image.split('/').pop() ?? 'example.png');
      setFocusKey((key) => key + 1);
    },
    [upload],
  );

  const started = session.turns.length > 0;
  const uploading = upload.state.status === 'uploading';
  const blockedReason = !client
    ? 'Starting…'
    : session.panes.length < MIN_PANES
      ? 'Pick at least two models'
      : uploading
        ? 'Wait for the image to upload'
        : draft.trim() === ''
          ? 'Type a question'
          : null;
  const canSend = blockedReason === null && !compare.busy;

  function send() {
    if (!canSend) return;
    followAgain();
    compare.send(draft);
    setDraft('');
  }

  function shareLink() {
    const query = compareLinkQuery({
      models: session.panes.map((pane) => pane.model),
      imageId: session.image?.imageId ?? null,
      question: session.turns[0]?.question ?? (draft.trim() || null),
      params: settings.params,
      imageMode: settings.imageMode,
    });
    window.history.replaceState(null, '', `/compare?${query}`);
    void navigator.clipboard?.writeText(window.location.href).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    const file = Array.from(event.dataTransfer.files).find((candidate) => candidate.type.startsWith('image/'));
    if (file) void upload.attach(file, file.name);
  }

  const options: VerdictOption[] = choiceOptions(session.panes.length).map((option) => ({
    key: choiceKey(option.choice),
    label: option.label,
    pane: option.choice.type === 'pane' ? paneLabel(option.choice.pane) : undefined,
  }));
  const vote = lastTurn?.vote ?? null;
  const modelName = (id: string) => models.find((model) => model.id === id)?.displayName ?? id;

  return (
    <div className="relative flex min-h-0 flex-1">
      <ImageFileInput ref={fileInput} onPick={(file) => void upload.attach(file, file.name)} />
      <SideDrawer label="Comparison settings" open={drawerOpen} onClose={() => setDrawerOpen(false)}>
        <DrawerSection title="Models">
          <ModelSlots
            models={models}
            selected={session.panes.map((pane) => pane.model)}
            onChange={setModels}
            locked={started}
            loading={modelsLoading}
            error={modelsError}
          />
        </DrawerSection>
        <DrawerSection title="Image">
          <ImagePanel
            image={session.image}
            upload={upload.state}
            onBrowse={browse}
            onRemove={started ? undefined : compare.removeImage}
            onDismissError={upload.dismiss}
          />
          {started ? <p className="text-xs text-slate-500">A new image starts a new comparison.</p> : null}
        </DrawerSection>
        <DrawerSection
          title="Parameters"
          action={
            <Button size="sm" variant="ghost" onClick={() => setSettings({ params: defaultSamplingParams, imageMode: 'default' })}>
              Reset
            </Button>
          }
        >
          <p className="text-xs text-slate-500">The same parameters go to every model.</p>
          <ParamsPanel
            params={settings.params}
            onParamsChange={(params) => setSettings((previous) => ({ ...previous, params }))}
            imageMode={settings.imageMode}
            onImageModeChange={(imageMode) => setSettings((previous) => ({ ...previous, imageMode }))}
          />
        </DrawerSection>
      </SideDrawer>

      <main className="relative flex min-w-0 flex-1 flex-col" onDragOver={(event) => event.preventDefault()} onDrop={onDrop}>
        <div className="flex h-12 shrink-0 items-center gap-2 border-b border-slate-200 bg-surface px-3 sm:px-4">
          <Button size="sm" variant="secondary" className="lg:hidden" onClick={() => setDrawerOpen(true)} data-testid="open-settings">
            <SlidersIcon className="size-4" /> Models
          </Button>
          <h1 className="hidden text-sm font-semibold text-slate-700 lg:block">Compare</h1>
          <ul className="flex min-w-0 items-center gap-2 overflow-x-auto text-xs text-slate-600" aria-label="Panes">
            {session.panes.map((pane, index) => (
              <li key={pane.id} className="flex shrink-0 items-center gap-1">
                <PaneBadge label={paneLabel(index)} size="sm" />
                <span className="hidden max-w-48 truncate sm:inline" title={modelName(pane.model)}>{modelName(pane.model)}</span>
              </li>
            ))}
          </ul>
          <div className="ml-auto flex shrink-0 items-center gap-2">
            <ConnectionStatus connected={connected} everConnected={everConnected} />
            <Button size="sm" variant="ghost" onClick={shareLink} disabled={session.panes.length === 0} title="Put this setup in the address bar and copy the link" data-testid="share-link">
              {copied ? <CheckIcon className="size-4 text-emerald-600" /> : <CopyIcon className="size-4" />}
              <span className="hidden sm:inline">{copied ? 'Link copied' : 'Copy link'}</span>
            </Button>
            {compare.busy ? (
              <Button size="sm" variant="secondary" onClick={compare.stopAll} data-testid="stop-all">
                <StopIcon className="size-3.5" /> <span className="hidden sm:inline">Stop all</span>
              </Button>
            ) : null}
            <Button size="sm" variant="secondary" onClick={compare.clear} disabled={!started && !session.image} data-testid="new-comparison">
              <PlusIcon className="size-4" /> <span className="hidden sm:inline">New</span>
            </Button>
          </div>
        </div>

        <ConnectionLostBanner connected={connected} everConnected={everConnected} />
        {notice ? (
          <div role="status" className="flex shrink-0 items-center justify-center gap-3 border-b border-amber-200 bg-amber-50 px-4 py-2 text-xs text-amber-800">
            {notice}
            <button type="button" className="underline" onClick={() => setNotice(null)}>
              Dismiss
            </button>
          </div>
        ) : null}

        <div
          ref={scroller}
          className="min-h-0 flex-1 overflow-y-auto scrollbar-thin"
          onScroll={onScroll}
        >
          <div className="mx-auto max-w-screen-2xl space-y-8 px-3 py-5 sm:px-5">
            {started ? (
              session.turns.map((turn, index) => (
                <CompareTurnView
                  key={turn.id}
                  turn={turn}
                  panes={session.panes}
                  models={models}
                  jobs={jobs}
                  image={index === 0 ? session.image : null}
                  isLast={index === session.turns.length - 1}
                  onStop={compare.stopPane}
                  onRegenerate={compare.regeneratePane}
                />
              ))
            ) : (
              <div className="mx-auto max-w-3xl space-y-6 py-4 sm:py-8">
                <div className="space-y-2 text-center">
                  <h2 className="text-2xl font-semibold tracking-tight text-slate-900">Compare checkpoints side by side</h2>
                  <p className="mx-auto max-w-lg text-sm text-slate-500">
                    One image and one question go to every model at once; each answer streams in its own pane with its speed and
                    timings. Ask follow-ups, then say which answer is better.
                  </p>
                </div>
                {session.image ? (
                  <figure className="flex flex-col items-center gap-2">
                    {/* eslint-disable-next-line @next/next/no-img-element -- a local object URL */}
                    <img src={session.image.previewUrl} alt={session.image.name} className="max-h-48 rounded-2xl border border-slate-200 bg-surface object-contain shadow-sm" />
                    <figcaption className="text-xs text-slate-500">
                      {session.image.name} · {session.image.width}×{session.image.height}
                    </figcaption>
                  </figure>
                ) : null}
                <ExampleGallery examples={examples} onPick={(example) => void pickExample(example)} disabled={uploading} />
              </div>
            )}
          </div>
        </div>

        <div className="shrink-0 space-y-2 border-t border-slate-200 bg-surface/90 px-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] pt-3 sm:px-4">
          <div className="mx-auto max-w-4xl space-y-2">
            {lastTurn ? (
              <VerdictButtons
                title={session.panes.length === 2 ? 'Which is better?' : 'Pick the best'}
                options={options}
                chosen={vote ? choiceKey(vote.choice) : null}
                status={vote?.status ?? 'idle'}
                message={
                  vote?.status === 'error'
                    ? vote.message
                    : vote?.status === 'recorded'
                      ? 'Recorded. Named votes are kept; the leaderboard rates blind arena votes.'
                      : null
                }
                blocker={compare.votability.votable ? null : compare.votability.reason}
                onChoose={(key) => {
                  const option = choiceOptions(session.panes.length).find((candidate) => choiceKey(candidate.choice) === key);
                  if (option && !(vote && vote.status === 'recorded' && sameChoice(vote.choice, option.choice))) void compare.vote(option.choice);
                }}
              />
            ) : null}
            <UploadErrorNote upload={upload.state} />
            <AttachedImageNote image={session.image} uploading={uploading} started={started} />
            <Composer
              value={draft}
              onChange={setDraft}
              onSend={send}
              onStop={compare.stopAll}
              onAttach={browse}
              busy={compare.busy}
              canSend={canSend}
              blockedReason={blockedReason}
              placeholder={started ? 'Ask every model a follow-up…' : session.image ? 'Ask every model about the image…' : 'Ask a question (attach an image first)…'}
              focusKey={focusKey}
            />
          </div>
        </div>
      </main>
    </div>
  );
}
