'use client';

import { defaultSamplingParams, type ArenaVerdict, type ImageMode, type SamplingParams } from '@mgm/protocol';
import Link from 'next/link';
import { useCallback, useRef, useState, type DragEvent } from 'react';
import { Composer } from '@/components/chat/composer.tsx';
import { ConnectionStatus } from '@/components/chat/connection-status.tsx';
import { ExampleGallery } from '@/components/chat/example-gallery.tsx';
import { PaneBadge } from '@/components/compare/pane-badge.tsx';
import { DrawerSection, SideDrawer } from '@/components/compare/side-drawer.tsx';
import { VerdictButtons, type VerdictOption } from '@/components/compare/verdict-buttons.tsx';
import { AnswerError } from '@/components/generation/answer-error.tsx';
import { AttachedImageNote } from '@/components/generation/attached-image-note.tsx';
import { ConnectionLostBanner } from '@/components/generation/connection-lost-banner.tsx';
import { ImageFileInput } from '@/components/generation/image-file-input.tsx';
import { ImagePanel } from '@/components/generation/image-panel.tsx';
import { ParamsPanel } from '@/components/generation/params-panel.tsx';
import { Button } from '@/components/ui/button.tsx';
import { PlusIcon, RefreshIcon, SlidersIcon } from '@/components/ui/icons.tsx';
import { isBattleBusy, voteBlocker } from '@/lib/arena/arena-state.ts';
import { useArenaClient, useArenaSnapshot } from '@/lib/arena/use-arena.tsx';
import type { ChatImage } from '@/lib/chat-state.ts';
import { examples, type Example } from '@/lib/examples.ts';
import { useImageUpload } from '@/lib/use-image-upload.ts';
import { useFollowBottom } from '@/lib/use-follow-bottom.ts';
import { usePasteImage } from '@/lib/use-paste-image.ts';
import { ArenaTurnView } from './arena-turn.tsx';

const verdicts: Array<VerdictOption & { key: ArenaVerdict }> = [
  { key: 'a', label: 'A is better', pane: 'A' },
  { key: 'b', label: 'B is better', pane: 'B' },
  { key: 'tie', label: 'Tie' },
  { key: 'both-bad', label: 'Both are bad' },
];

const verdictText: Record<ArenaVerdict, string> = { a: 'A is better', b: 'B is better', tie: 'a tie', 'both-bad': 'both are bad' };

export function ArenaView() {
  const client = useArenaClient();
  const { connected, everConnected, battle } = useArenaSnapshot();
  const [image, setImage] = useState<ChatImage | null>(null);
  const [params, setParams] = useState<SamplingParams>(defaultSamplingParams);
  const [imageMode, setImageMode] = useState<ImageMode>('default');
  const [draft, setDraft] = useState('');
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [focusKey, setFocusKey] = useState(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const started = battle.turns.length > 0;

  const onUploaded = useCallback(
    (uploaded: ChatImage) => {
      // The image belongs to the first question: a new one starts a new round.
      if (client && client.getSnapshot().battle.turns.length > 0) client.newRound();
      setImage((previous) => {
        if (previous?.previewUrl.startsWith('blob:')) URL.revokeObjectURL(previous.previewUrl);
        return uploaded;
      });
    },
    [client],
  );
  const upload = useImageUpload(onUploaded);
  usePasteImage(upload.attach);

  const last = battle.turns.at(-1);
  const lastKey = last ? `${battle.turns.length}:${last.answers.a.text.length}:${last.answers.b.text.length}:${battle.vote ? 1 : 0}` : '';
  const { scroller, onScroll } = useFollowBottom(lastKey, started);

  const browse = useCallback(() => fileInput.current?.click(), []);
  const pickExample = useCallback(
    async (example: Example) => {
      const blob = await (await fetch(example.image)).blob();
      setDraft(example.question);
      await upload.attach(blob, example.image.split('/').pop() ?? 'example.png');
      setFocusKey((key) => key + 1);
    },
    [upload],
  );

  const busy = isBattleBusy(battle);
  const uploading = upload.state.status === 'uploading';
  const blockedReason = !client
    ? 'Starting…'
    : battle.vote
      ? 'You voted: start a new round'
      : uploading
        ? 'Wait for the image to upload'
        : draft.trim() === ''
          ? 'Type a question'
          : null;
  const canSend = blockedReason === null && !busy && battle.pending === null;

  function send() {
    if (!canSend || !client) return;
    const question = draft;
    setDraft('');
    void client.ask({ question, imageId: started ? undefined : (image?.imageId ?? null), params, imageMode }).then((accepted) => {
      if (!accepted) setDraft((current) => (current === '' ? question : current));
    });
  }

  function newRound() {
    client?.newRound();
    setDraft('');
    setImage((previous) => {
      if (previous?.previewUrl.startsWith('blob:')) URL.revokeObjectURL(previous.previewUrl);
      return null;
    });
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    const file = Array.from(event.dataTransfer.files).find((candidate) => candidate.type.startsWith('image/'));
    if (file) void upload.attach(file, file.name);
  }

  const blocker = voteBlocker(battle);
  const vote = battle.vote;

  return (
    <div className="relative flex min-h-0 flex-1">
      <ImageFileInput ref={fileInput} onPick={(file) => void upload.attach(file, file.name)} />
      <SideDrawer label="Arena settings" open={drawerOpen} onClose={() => setDrawerOpen(false)}>
        <DrawerSection title="How it works">
          <ol className="list-decimal space-y-1.5 pl-4 text-sm text-slate-600">
            <li>Two models are drawn at random from the live ones; their names are hidden.</li>
            <li>Ask about an image; both answer, each with its own history. Follow up as you like.</li>
            <li>Vote when both answers have finished. The names are revealed after your vote.</li>
          </ol>
          <p className="text-xs text-slate-500">
            A vote counts on the <Link href="/leaderboard" className="font-medium text-brand-700 underline">leaderboard</Link> only when
            both answers finished and no answer named a model.
          </p>
        </DrawerSection>
        <DrawerSection title="Image">
          <ImagePanel
            image={image}
            upload={upload.state}
            onBrowse={browse}
            onRemove={started ? undefined : () => setImage(null)}
            onDismissError={upload.dismiss}
          />
          {started ? <p className="text-xs text-slate-500">A new image starts a new round.</p> : null}
        </DrawerSection>
        <DrawerSection
          title="Parameters"
          action={
            <Button
              size="sm"
              variant="ghost"
              onClick={() => {
                setParams(defaultSamplingParams);
                setImageMode('default');
              }}
            >
              Reset
            </Button>
          }
        >
          <p className="text-xs text-slate-500">Used by both models; set before the first question of a round.</p>
          <ParamsPanel params={params} onParamsChange={setParams} imageMode={imageMode} onImageModeChange={setImageMode} />
        </DrawerSection>
      </SideDrawer>

      <main className="relative flex min-w-0 flex-1 flex-col" onDragOver={(event) => event.preventDefault()} onDrop={onDrop}>
        <div className="flex h-12 shrink-0 items-center gap-2 border-b border-slate-200 bg-surface px-3 sm:px-4">
          <Button size="sm" variant="secondary" className="lg:hidden" onClick={() => setDrawerOpen(true)} data-testid="open-settings">
            <SlidersIcon className="size-4" /> Settings
          </Button>
          <h1 className="hidden text-sm font-semibold text-slate-700 lg:block">Arena</h1>
          <span className="flex items-center gap-1 text-xs text-slate-500" data-testid="arena-state">
            <PaneBadge label="A" size="sm" />
            <span>vs</span>
            <PaneBadge label="B" size="sm" />
            <span className="hidden sm:inline">{vote ? 'names revealed' : started ? 'names hidden' : 'a new pair at your first question'}</span>
          </span>
          <div className="ml-auto flex items-center gap-2">
            <ConnectionStatus connected={connected} everConnected={everConnected} />
            {started && !vote && !busy ? (
              <Button size="sm" variant="ghost" onClick={() => void client?.regenerate()} disabled={battle.pending !== null} data-testid="arena-regenerate">
                <RefreshIcon className="size-4" /> <span className="hidden sm:inline">Regenerate</span>
              </Button>
            ) : null}
            <Button size="sm" variant={vote ? 'primary' : 'secondary'} onClick={newRound} disabled={!started && !image} data-testid="new-round">
              <PlusIcon className="size-4" /> New round
            </Button>
          </div>
        </div>

        <ConnectionLostBanner connected={connected} everConnected={everConnected} />

        <div ref={scroller} onScroll={onScroll} className="min-h-0 flex-1 overflow-y-auto scrollbar-thin">
          <div className="mx-auto max-w-6xl space-y-8 px-3 py-5 sm:px-5">
            {started ? (
              battle.turns.map((turn, index) => (
                <ArenaTurnView key={index} turn={turn} image={index === 0 ? image : null} isLast={index === battle.turns.length - 1} vote={vote} />
              ))
            ) : (
              <div className="mx-auto max-w-3xl space-y-6 py-4 sm:py-8">
                <div className="space-y-2 text-center">
                  <h2 className="text-2xl font-semibold tracking-tight text-slate-900">Blind arena</h2>
                  <p className="mx-auto max-w-lg text-sm text-slate-500">
                    Two anonymous models answer the same question. Vote for the better answer; the names are revealed after your
                    vote, and blind votes build the leaderboard.
                  </p>
                </div>
                {image ? (
                  <figure className="flex flex-col items-center gap-2">
                    {/* eslint-disable-next-line @next/next/no-img-element -- a local object URL */}
                    <img src={image.previewUrl} alt={image.name} className="max-h-48 rounded-2xl border border-slate-200 bg-surface object-contain shadow-sm" />
                    <figcaption className="text-xs text-slate-500">
                      {image.name} · {image.width}×{image.height}
                    </figcaption>
                  </figure>
                ) : null}
                <ExampleGallery examples={examples} onPick={(example) => void pickExample(example)} disabled={uploading} />
              </div>
            )}
            {vote ? (
              <div className="rounded-xl border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900" data-testid="arena-reveal">
                <p>
                  You voted <strong>{verdictText[vote.verdict]}</strong>. <PaneBadge label="A" size="sm" /> was{' '}
                  <strong data-testid="reveal-a">{vote.reveal.a.model}</strong> and <PaneBadge label="B" size="sm" /> was{' '}
                  <strong data-testid="reveal-b">{vote.reveal.b.model}</strong>.
                </p>
                <p className="mt-1 text-xs text-emerald-800">
                  {vote.result.counted
                    ? 'Your vote counts on the leaderboard.'
                    : `This vote is recorded but not counted: ${vote.result.notCountedReason ?? 'it was not a blind vote'}.`}{' '}
                  <Link href="/leaderboard" className="font-medium underline">
                    See the leaderboard
                  </Link>{' '}
                  or start a new round.
                </p>
              </div>
            ) : null}
          </div>
        </div>

        <div className="shrink-0 space-y-2 border-t border-slate-200 bg-surface/90 px-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] pt-3 sm:px-4">
          <div className="mx-auto max-w-4xl space-y-2">
            {battle.error ? <AnswerError error={battle.error} /> : null}
            {started ? (
              <VerdictButtons
                title="Which is better?"
                options={verdicts}
                chosen={vote?.verdict ?? null}
                status={vote ? 'recorded' : battle.pending === 'vote' ? 'sending' : 'idle'}
                message={vote ? 'Vote recorded: the names are revealed above.' : null}
                blocker={vote ? null : blocker}
                onChoose={(key) => void client?.vote(key as ArenaVerdict)}
              />
            ) : null}
            <AttachedImageNote image={image} uploading={uploading} started={started} />
            <Composer
              value={draft}
              onChange={setDraft}
              onSend={send}
              onStop={() => void client?.stop()}
              onAttach={browse}
              busy={busy}
              canSend={canSend}
              blockedReason={blockedReason}
              placeholder={vote ? 'Start a new round to ask again' : started ? 'Ask both a follow-up…' : image ? 'Ask about the image…' : 'Ask a question (attach an image first)…'}
              focusKey={focusKey}
            />
          </div>
        </div>
      </main>
    </div>
  );
}
