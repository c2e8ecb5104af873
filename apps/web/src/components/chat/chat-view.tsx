'use client';

import { defaultSamplingParams } from '@mgm/protocol';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { AttachedImageNote } from '@/components/generation/attached-image-note.tsx';
import { ConnectionLostBanner } from '@/components/generation/connection-lost-banner.tsx';
import { ImageFileInput } from '@/components/generation/image-file-input.tsx';
import { UploadErrorNote } from '@/components/generation/upload-error-note.tsx';
import { Button } from '@/components/ui/button.tsx';
import { CloseIcon, HistoryIcon, ImageIcon, PlusIcon, SlidersIcon } from '@/components/ui/icons.tsx';
import { turnJob } from '@/lib/chat-state.ts';
import { examples, type Example } from '@/lib/examples.ts';
import { defaultModel, warnWithoutImage } from '@/lib/model-card.ts';
import { useHistoryDb, useHistoryList } from '@/lib/history/use-history.tsx';
import { useChatSession } from '@/lib/use-chat-session.ts';
import { useFollowBottom } from '@/lib/use-follow-bottom.ts';
import { useGenerationClient, useGenerationSnapshot } from '@/lib/use-generation.tsx';
import { useImageUpload } from '@/lib/use-image-upload.ts';
import { useModels } from '@/lib/use-models.ts';
import { ChatTurnView } from './chat-turn.tsx';
import { Composer } from './composer.tsx';
import { ConnectionStatus } from './connection-status.tsx';
import { ExampleGallery } from './example-gallery.tsx';
import { HistorySidebar } from './history-sidebar.tsx';
import { ShortcutHelp } from './shortcut-help.tsx';
import { chatShortcutOf } from '@/lib/chat-shortcuts.ts';
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
  const modelName = (id: string) => models.find((model) => model.id === id)?.displayName ?? id;
  const historyDb = useHistoryDb();
  const historyList = useHistoryList();
  const session = useChatSession(client, jobs, historyDb);
  const { conversation, settings, setSettings } = session;
  const [historyOpen, setHistoryOpen] = useState(false);
  const [openedFromUrl, setOpenedFromUrl] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const upload = useImageUpload(session.attachImage);
  const [draft, setDraft] = useState('');
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [dragDepth, setDragDepth] = useState(0);
  const [focusKey, setFocusKey] = useState(0);
  const fileInput = useRef<HTMLInputElement>(null);

  // Pick a model when none is chosen, or when the chosen one went away before the conversation started.
  useEffect(() => {
    if (models.length === 0) return;
    const current = settings.model;
    const known = models.some((model) => model.id === current);
    if (current === null || (!known && conversation.turns.length === 0)) {
      // The best measured model (its manifest's evaluation), else MGM (LR + HR mining), else anything ready.
      const preferred = defaultModel(models);
      if (preferred) setSettings((previous) => ({ ...previous, model: preferred.id }));
    }
  }, [models, settings.model, conversation.turns.length, setSettings]);

  // The open conversation is in the URL (?c=<id>): a reload reopens it from the history.
  const openConversation = session.open;
  useEffect(() => {
    if (!historyDb || openedFromUrl) return;
    setOpenedFromUrl(true);
    const id = new URLSearchParams(window.location.search).get('c');
    if (id) void openConversation(id);
  }, [historyDb, openedFromUrl, openConversation]);
  useEffect(() => {
    if (!openedFromUrl) return;
    const url = new URL(window.location.href);
    if ((url.searchParams.get('c') ?? null) === (conversation.id ?? null)) return;
    if (conversation.id) url.searchParams.set('c', conversation.id);
    else url.searchParams.delete('c');
    window.history.replaceState(window.history.state, '', url);
  }, [conversation.id, openedFromUrl]);

  // Esc stops the answer, Ctrl+Shift+O starts a new chat, "?" shows the shortcuts.
  const { stop: stopAnswer, clear: newChat, busy } = session;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const inTextField = !!target && (target.tagName === 'TEXTAREA' || target.tagName === 'INPUT' || target.isContentEditable);
      const shortcut = chatShortcutOf({ key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, shiftKey: event.shiftKey, altKey: event.altKey, inTextField });
      if (shortcut === 'stop') {
        setHelpOpen(false);
        if (busy) {
          event.preventDefault();
          stopAnswer();
        }
      } else if (shortcut === 'new-chat') {
        event.preventDefault();
        newChat();
        setFocusKey((key) => key + 1);
      } else if (shortcut === 'help') {
        event.preventDefault();
        setHelpOpen((open) => !open);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [busy, stopAnswer, newChat]);

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
  // A generated picture loads after its answer ended: follow it too, so it, its figures and buttons are in view.
  const { scroller, onScroll, follow: followAnswer, resume: followAgain } = useFollowBottom(
    `${conversation.turns.length}:${lastJob}:${lastText?.length}:${lastStatus}`,
    conversation.turns.length > 0,
  );

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
    followAgain();
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

      {historyOpen ? (
        <button type="button" aria-label="Close chats" className="fixed inset-0 z-30 bg-slate-900/40 dark:bg-black/60 xl:hidden" onClick={() => setHistoryOpen(false)} />
      ) : null}
      <aside
        aria-label="Chats"
        className={`fixed inset-y-0 left-0 z-40 w-[min(18rem,85vw)] border-r border-slate-200 bg-surface shadow-xl transition-transform xl:static xl:z-auto xl:w-64 xl:translate-x-0 xl:bg-slate-50 xl:shadow-none ${
          historyOpen ? 'translate-x-0' : 'invisible -translate-x-full xl:visible'
        }`}
      >
        <HistorySidebar
          history={historyList}
          openId={conversation.id ?? null}
          modelName={modelName}
          saveError={session.historyError}
          onOpen={(id) => {
            setHistoryOpen(false);
            followAgain();
            void session.open(id);
          }}
          onNew={() => {
            setHistoryOpen(false);
            session.clear();
            setFocusKey((key) => key + 1);
          }}
          onRename={(id, title) => void historyDb?.rename(id, title)}
          onDelete={(id) => {
            if (id === conversation.id) session.clear();
            void historyDb?.remove(id);
          }}
          onDeleteAll={() => {
            session.clear();
            void historyDb?.removeAll();
          }}
        />
      </aside>

      {drawerOpen ? (
        <button type="button" aria-label="Close settings" className="fixed inset-0 z-30 bg-slate-900/40 dark:bg-black/60 lg:hidden" onClick={() => setDrawerOpen(false)} />
      ) : null}
      <aside
        aria-label="Chat settings"
        className={`fixed inset-y-0 left-0 z-40 w-[min(22rem,88vw)] overflow-y-auto border-r border-slate-200 bg-surface shadow-xl transition-transform scrollbar-thin lg:static lg:z-auto lg:w-80 lg:translate-x-0 lg:shadow-none ${
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
        <div className="flex h-12 shrink-0 items-center gap-2 border-b border-slate-200 bg-surface px-3 sm:px-4">
          <Button size="sm" variant="ghost" className="xl:hidden" onClick={() => setHistoryOpen(true)} aria-label="Chats" title="Past chats" data-testid="open-history">
            <HistoryIcon className="size-4" />
            <span className="hidden sm:inline">Chats</span>
          </Button>
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
            <Button
              size="sm"
              variant="secondary"
              onClick={session.clear}
              disabled={!started && !conversation.image}
              data-testid="clear-button"
              aria-label="New chat"
              title="New chat (Ctrl+Shift+O)"
            >
              <PlusIcon className="size-4" /> <span className="hidden sm:inline">New chat</span>
            </Button>
          </div>
        </div>

        <ConnectionLostBanner connected={connected} everConnected={everConnected} />

        <div
          ref={scroller}
          className="min-h-0 flex-1 overflow-y-auto scrollbar-thin"
          onScroll={onScroll}
        >
          <div className="mx-auto max-w-3xl space-y-8 px-4 py-6 sm:px-6">
            {started ? (
              conversation.turns.map((turn, index) => (
                <ChatTurnView
                  key={turn.id}
                  turn={turn}
                  job={turnJob(turn, jobs)}
                  image={index === 0 ? conversation.image : null}
                  modelName={modelName(turn.model)}
                  canRegenerate={index === conversation.turns.length - 1 && !session.busy}
                  onRegenerate={session.regenerate}
                  onFeedback={(kind) => session.sendFeedback(turn.id, kind)}
                  onMediaLoad={followAnswer}
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
                      className="max-h-56 rounded-2xl border border-slate-200 bg-surface object-contain shadow-sm"
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

        <div className="shrink-0 border-t border-slate-200 bg-surface/90 px-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] pt-3 sm:px-4">
          <div className="mx-auto max-w-3xl space-y-2">
            <UploadErrorNote upload={upload.state} />
            <AttachedImageNote image={conversation.image} uploading={uploading} started={started} />
            {warnWithoutImage(selected, conversation.image !== null || uploading) && draft.trim() !== '' ? (
              <p className="flex items-start gap-2 rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-800" role="status" data-testid="no-image-warning">
                <ImageIcon className="mt-px size-4 shrink-0" />
                <span>
                  {selected?.displayName} was trained and measured on questions about images only: without an image its answer
                  will not mean anything. Attach an image first.
                </span>
              </p>
            ) : null}
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
            <div className="relative hidden items-center justify-center gap-1 text-center text-[11px] text-slate-400 sm:flex">
              <span>Enter to send · Esc to stop · answers come from small research checkpoints and can be wrong ·</span>
              <button
                type="button"
                onClick={() => setHelpOpen((open) => !open)}
                aria-expanded={helpOpen}
                data-testid="shortcut-help-button"
                className="underline decoration-dotted underline-offset-2 hover:text-slate-600"
              >
                Shortcuts (?)
              </button>
              {helpOpen ? <ShortcutHelp onClose={() => setHelpOpen(false)} /> : null}
            </div>
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
