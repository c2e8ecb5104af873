'use client';

import { defaultSamplingParams } from '@mgm/protocol';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { AttachedImageNote } from '@/components/generation/attached-image-note.tsx';
import { ConnectionLostBanner } from '@/components/generation/connection-lost-banner.tsx';
import { ImageFileInput } from '@/components/generation/image-file-input.tsx';
import { UploadErrorNote } from '@/components/generation/upload-error-note.tsx';
import { Button } from '@/components/ui/button.tsx';
import { CloseIcon, ImageIcon, PlusIcon, SlidersIcon } from '@/components/ui/icons.tsx';
import { examples, type Example } from '@/lib/examples.ts';
import { useChatSession } from '@/lib/use-chat-session.ts';
import { useGenerationClient, useGenerationSnapshot } from '@/lib/use-generation.tsx';
import { useImageUpload } from '@/lib/use-image-upload.ts';
import { useModels } from '@/lib/use-models.ts';
import { ChatTurnView } from './chat-turn.tsx';
import { Composer } from './composer.tsx';
import { ConnectionStatus } from './connection-status.tsx';
import { ExampleGallery } from './example-gallery.tsx';
import { SettingsPanel } from './settings-panel.tsx';

function imageFromClipboard(items: DataTransferItemList | undefined): File | null {
  for (const item of Array.from(items ?? [])) {
    if (item.kind === 'file' && item.type.startsWith('image/')) return item.getAsFile();
  }
  return null;
}

export function ChatView() {
  const client = useGenerationClient();
  const { connected, everConnected, jobs } = useGenerationSnapshot();
  const { models, loading: modelsLoading, error: modelsError } = useModels();
  const session = useChatSession(client, jobs);
  const { conversation, settings, setSettings } = session;
  const upload = useImageUpload(session.attachImage);
  const [draft, setDraft] = useState('');
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [dragDepth, setDragDepth] = useState(0);
  const [focusKey, setFocusKey] = useState(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);

  // Pick a model when none is chosen, or when the chosen one went away before the conversation started.
  useEffect(() => {
    if (models.length === 0) return;
    const current = settings.model;
    const known = models.some((model) => model.id === current);
    if (current === null || (!known && conversation.turns.length === 0)) {
      // MGM (LR + HR mining) first: it is what the product is about; then anything with a ready worker.
      const preferred =
        models.find((model) => model.ready > 0 && model.architecture === 'mgm') ?? models.find((model) => model.ready > 0) ?? models[0];
      if (preferred) setSettings((previous) => ({ ...previous, model: preferred.id }));
    }
  }, [models, settings.model, conversation.turns.length, setSettings]);

  // Paste an image anywhere on the page.
  const attach = upload.attach;
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const file = imageFromClipboard(event.clipboardData?.items);
      if (!file) return;
      event.preventDefault();
      void attach(file, file.name || 'pasted image');
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, [attach]);

  // Follow the streaming answer unless the reader scrolled up.
  const lastJob = conversation.turns.at(-1)?.jobId;
  const lastText = lastJob ? jobs[lastJob]?.text : undefined;
  const lastStatus = lastJob ? jobs[lastJob]?.status : undefined;
  useEffect(() => {
    const element = scroller.current;
    if (element && stickToBottom.current && conversation.turns.length > 0) element.scrollTop = element.scrollHeight;
  }, [conversation.turns.length, lastText, lastJob, lastStatus]);

  const browse = useCallback(() => fileInput.current?.click(), []);

  const pickExample = useCallback(
    async (example: Example) => {
      setDrawerOpen(false);
      const response = await fetch(example.image);
      const blob = await response.blob();
      setDraft(example.question);
      await attach(blob, example.image.split('/').pop() ?? 'example.png');
      setFocusKey((key) => key + 1);
    },
    [attach],
  );

  const modelName = (id: string) => models.find((model) => model.id === id)?.displayName ?? id;
  const selected = models.find((model) => model.id === settings.model);
  const uploading = upload.state.status === 'uploading';
  const blockedReason = !client
    ? 'Starting…'
    : !settings.model
      ? 'Pick a model first'
      : uploading
        ? 'Wait for the image to upload'
        : draft.trim() === ''
          ? 'Type a question'
          : null;
  const canSend = blockedReason === null && !session.busy;

  function send() {
    if (!canSend) return;
    stickToBottom.current = true;
    session.send(draft);
    setDraft('');
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragDepth(0);
    const file = Array.from(event.dataTransfer.files).find((candidate) => candidate.type.startsWith('image/')) ?? event.dataTransfer.files[0];
    if (file) void attach(file, file.name);
  }

  const started = conversation.turns.length > 0;

  return (
    <div className="relative flex min-h-0 flex-1">
      <ImageFileInput ref={fileInput} onPick={(file) => void attach(file, file.name)} />

      {drawerOpen ? (
        <button type="button" aria-label="Close settings" className="fixed inset-0 z-30 bg-slate-900/40 lg:hidden" onClick={() => setDrawerOpen(false)} />
      ) : null}
      <aside
        aria-label="Chat settings"
        className={`fixed inset-y-0 left-0 z-40 w-[min(22rem,88vw)] overflow-y-auto border-r border-slate-200 bg-white shadow-xl transition-transform scrollbar-thin lg:static lg:z-auto lg:w-80 lg:translate-x-0 lg:shadow-none xl:w-96 ${
          drawerOpen ? 'translate-x-0' : 'invisible -translate-x-full lg:visible'
        }`}
      >
        <div className="flex items-center justify-between border-b border-slate-100 px-5 py-3 lg:hidden">
          <span className="font-semibold">Settings</span>
          <Button size="icon" variant="ghost" aria-label="Close settings" onClick={() => setDrawerOpen(false)}>
            <CloseIcon className="size-5" />
          </Button>
        </div>
        <SettingsPanel
          models={models}
          modelsLoading={modelsLoading}
          modelsError={modelsError}
          model={settings.model}
          onModelChange={(model) => setSettings((previous) => ({ ...previous, model }))}
          image={conversation.image}
          upload={upload.state}
          onBrowse={browse}
          onRemoveImage={started ? undefined : session.removeImage}
          onDismissUploadError={upload.dismiss}
          conversationStarted={started}
          params={settings.params}
          onParamsChange={(params) => setSettings((previous) => ({ ...previous, params }))}
          imageMode={settings.imageMode}
          onImageModeChange={(imageMode) => setSettings((previous) => ({ ...previous, imageMode }))}
          onResetParams={() => setSettings((previous) => ({ ...previous, params: defaultSamplingParams, imageMode: 'default' }))}
        />
      </aside>

      <main
        className="relative flex min-w-0 flex-1 flex-col"
        onDragEnter={(event) => {
          if (event.dataTransfer.types.includes('Files')) setDragDepth((depth) => depth + 1);
        }}
        onDragLeave={() => setDragDepth((depth) => Math.max(0, depth - 1))}
        onDragOver={(event) => event.preventDefault()}
        onDrop={onDrop}
      >
        <div className="flex h-12 shrink-0 items-center gap-2 border-b border-slate-200 bg-white px-3 sm:px-4">
          <Button size="sm" variant="secondary" className="min-w-0 lg:hidden" onClick={() => setDrawerOpen(true)} data-testid="open-settings">
            <SlidersIcon className="size-4 shrink-0" />
            <span className="truncate">{selected?.displayName ?? settings.model ?? 'Settings'}</span>
          </Button>
          <h1 className="hidden truncate text-sm font-semibold text-slate-700 lg:block">
            {selected ? selected.displayName : 'Chat'}
            {selected ? <span className="ml-2 font-normal text-slate-400">{selected.id}</span> : null}
          </h1>
          <div className="ml-auto flex items-center gap-3">
            <ConnectionStatus connected={connected} everConnected={everConnected} />
            <Button size="sm" variant="secondary" onClick={session.clear} disabled={!started && !conversation.image} data-testid="clear-button">
              <PlusIcon className="size-4" /> New chat
            </Button>
          </div>
        </div>

        <ConnectionLostBanner connected={connected} everConnected={everConnected} />

        <div
          ref={scroller}
          className="min-h-0 flex-1 overflow-y-auto scrollbar-thin"
          onScroll={(event) => {
            const element = event.currentTarget;
            stickToBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
          }}
        >
          <div className="mx-auto max-w-3xl space-y-8 px-4 py-6 sm:px-6">
            {started ? (
              conversation.turns.map((turn, index) => (
                <ChatTurnView
                  key={turn.id}
                  turn={turn}
                  job={turn.jobId ? jobs[turn.jobId] : undefined}
                  image={index === 0 ? conversation.image : null}
                  modelName={modelName(turn.model)}
                  canRegenerate={index === conversation.turns.length - 1 && !session.busy}
                  onRegenerate={session.regenerate}
                  onFeedback={(kind) => session.sendFeedback(turn.id, kind)}
                />
              ))
            ) : (
              <div className="space-y-6 py-4 sm:py-10">
                <div className="space-y-2 text-center">
                  <h2 className="text-2xl font-semibold tracking-tight text-slate-900">Ask about an image</h2>
                  <p className="mx-auto max-w-md text-sm text-slate-500">
                    Attach an image (button, drag and drop, or paste), then ask about its shapes, colours, counts, positions or the
                    code printed on it. Or start from an example:
                  </p>
                </div>
                {conversation.image ? (
                  <figure className="flex flex-col items-center gap-2">
                    {/* eslint-disable-next-line @next/next/no-img-element -- a local object URL */}
                    <img
                      src={conversation.image.previewUrl}
                      alt={conversation.image.name}
                      className="max-h-56 rounded-2xl border border-slate-200 bg-white object-contain shadow-sm"
                    />
                    <figcaption className="text-xs text-slate-500">
                      {conversation.image.name} · {conversation.image.width}×{conversation.image.height} · ask your question below
                    </figcaption>
                  </figure>
                ) : null}
                {conversation.image ? <h3 className="pt-2 text-xs font-semibold uppercase tracking-wider text-slate-400">Examples</h3> : null}
                <ExampleGallery examples={examples} onPick={(example) => void pickExample(example)} disabled={uploading} />
              </div>
            )}
          </div>
        </div>

        <div className="shrink-0 border-t border-slate-200 bg-white/90 px-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] pt-3 sm:px-4">
          <div className="mx-auto max-w-3xl space-y-2">
            <UploadErrorNote upload={upload.state} />
            <AttachedImageNote image={conversation.image} uploading={uploading} started={started} />
            <Composer
              value={draft}
              onChange={setDraft}
              onSend={send}
              onStop={session.stop}
              onAttach={browse}
              busy={session.busy}
              canSend={canSend}
              blockedReason={blockedReason}
              placeholder={started ? 'Ask a follow-up…' : conversation.image ? 'Ask about the image…' : 'Ask a question (attach an image first for visual questions)…'}
              focusKey={focusKey}
            />
            <p className="hidden text-center text-[11px] text-slate-400 sm:block">
              Enter to send · Shift+Enter for a new line · answers come from small research checkpoints and can be wrong
            </p>
          </div>
        </div>

        {dragDepth > 0 ? (
          <div className="pointer-events-none absolute inset-2 z-20 flex items-center justify-center rounded-2xl border-2 border-dashed border-brand-500 bg-brand-50/90">
            <div className="flex flex-col items-center gap-2 text-brand-700">
              <ImageIcon className="size-10" />
              <span className="font-medium">Drop the image to attach it</span>
              {started ? <span className="text-sm">This starts a new conversation</span> : null}
            </div>
          </div>
        ) : null}
      </main>
    </div>
  );
}
