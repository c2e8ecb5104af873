'use client';

import { defaultSamplingParams, type FeedbackKind, type ImageMode, type SamplingParams } from '@mgm/protocol';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import {
  conversationReducer,
  conversationWithAnswer,
  emptyConversation,
  isConversationBusy,
  messagesForTurn,
  turnJob,
  type ChatImage,
  type Conversation,
} from './chat-state.ts';
import { imageExists, imageUrl, postFeedback, uploadImage } from './controller-http.ts';
import type { GenerationClient } from './generation-client.ts';
import type { HistoryDb } from './history/history-db.ts';
import { restoreConversation, storedKey, toStoredConversation } from './history/stored-conversation.ts';
import type { JobState } from './job-state.ts';
import { newId } from './new-id.ts';

export interface ChatSettings {
  model: string | null;
  params: SamplingParams;
  imageMode: ImageMode;
}

function revokePreview(image: ChatImage | null | undefined): void {
  if (image?.previewUrl.startsWith('blob:')) URL.revokeObjectURL(image.previewUrl);
}

/**
 * One chat conversation against one GenerationClient: send, stop, regenerate, clear, attach a
 * new image (which starts a new conversation, as in MGM) and feedback on an answer. With a
 * history, every question and every finished answer is saved there, and `open` reopens a
 * saved conversation (its image re-uploaded from the local copy when the server lost it).
 */
export function useChatSession(client: GenerationClient | null, jobs: Readonly<Record<string, JobState>>, history: HistoryDb | null = null) {
  const [conversation, dispatch] = useReducer(conversationReducer, emptyConversation);
  const [historyError, setHistoryError] = useState<string | null>(null);
  const savedKey = useRef<string | null>(null);
  const [settings, setSettings] = useState<ChatSettings>({ model: null, params: defaultSamplingParams, imageMode: 'default' });
  // Callbacks read the latest state through refs: they run after awaits and from event listeners.
  const conversationRef = useRef(conversation);
  conversationRef.current = conversation;
  const settingsRef = useRef(settings);
  settingsRef.current = settings;

  // Save what changed (questions, finished answers, feedback); streamed tokens are not saved one by one.
  useEffect(() => {
    if (!history) return;
    const stored = toStoredConversation(conversation, jobs, Date.now());
    if (!stored) return;
    const key = storedKey(stored);
    if (key === savedKey.current) return;
    savedKey.current = key;
    history.save(stored).then(
      () => setHistoryError(null),
      (error: unknown) => setHistoryError(`This chat could not be saved in the browser: ${error instanceof Error ? error.message : String(error)}`),
    );
  }, [history, conversation, jobs]);

  const jobIdsOf = (turns: typeof conversation.turns) => turns.flatMap((turn) => (turn.jobId ? [turn.jobId] : []));

  const stopAll = useCallback(() => {
    if (!client) return;
    for (const jobId of jobIdsOf(conversationRef.current.turns)) client.stop(jobId);
  }, [client]);

  /**
   * The id of the conversation's image on the server: when the server no longer has it (uploads
   * expire), the local copy kept with the conversation is uploaded again.
   */
  const imageOnServer = useCallback(async (image: ChatImage | null): Promise<string | null> => {
    if (!image) return null;
    if (!image.localCopy) return image.imageId;
    try {
      if (await imageExists(image.imageId)) return image.imageId;
      const uploaded = await uploadImage(image.localCopy);
      const replaced: ChatImage = { ...image, ...uploaded };
      if (conversationRef.current.image === image) {
        conversationRef.current = { ...conversationRef.current, image: replaced };
        dispatch({ type: 'replaceImage', image: replaced });
      }
      return uploaded.imageId;
    } catch {
      // The controller answers the generate request with the precise error.
      return image.imageId;
    }
  }, []);

  /** Starts the answer of turn `index` with the current settings. */
  const startTurn = useCallback(
    async (index: number, turns: typeof conversation.turns) => {
      const { model, params, imageMode } = settingsRef.current;
      const current = { ...conversationRef.current, turns };
      const turn = turns[index];
      if (!client || !model || !turn) return;
      const imageId = await imageOnServer(current.image);
      const messages = messagesForTurn(current, index, client.getSnapshot().jobs);
      // explain: each answer about an image keeps its lens (what the model saw) for the lens view
      const started = await client.generate({ messages, imageId, models: [model], params, imageMode, explain: imageId !== null });
      const job = started.jobs[0];
      // The conversation may have been cleared while the request was on its way.
      if (!job || !conversationRef.current.turns.some((candidate) => candidate.id === turn.id)) {
        if (job) client.stop(job.jobId);
        return;
      }
      dispatch({ type: 'setTurnJob', turnId: turn.id, jobId: job.jobId, model, params, imageMode });
    },
    [client, imageOnServer],
  );

  const send = useCallback(
    (question: string) => {
      const { model, params, imageMode } = settingsRef.current;
      if (!model || question.trim() === '') return;
      const turn = { id: newId('turn'), question: question.trim(), model, params, imageMode, jobId: null, feedback: [] };
      const previous = conversationRef.current;
      const turns = [...previous.turns, turn];
      const conversationId = previous.id ?? newId('chat');
      const now = Date.now();
      conversationRef.current = { ...previous, id: conversationId, createdAt: previous.createdAt ?? now, turns };
      dispatch({ type: 'addTurn', turn, conversationId, now });
      void startTurn(turns.length - 1, turns);
    },
    [startTurn],
  );

  const regenerate = useCallback(() => {
    const { turns } = conversationRef.current;
    const last = turns.at(-1);
    if (!client || !last) return;
    if (last.jobId) {
      client.stop(last.jobId);
      client.forget([last.jobId]);
    }
    const reset = turns.map((turn) => (turn.id === last.id ? { ...turn, jobId: null } : turn));
    conversationRef.current = { ...conversationRef.current, turns: reset };
    dispatch({ type: 'resetTurnJob', turnId: last.id });
    void startTurn(reset.length - 1, reset);
  }, [client, startTurn]);

  const clear = useCallback(() => {
    stopAll();
    client?.forget(jobIdsOf(conversationRef.current.turns));
    revokePreview(conversationRef.current.image);
    conversationRef.current = emptyConversation;
    savedKey.current = null;
    dispatch({ type: 'clear' });
  }, [client, stopAll]);

  /** Reopens a conversation from the history; false when it is not there (any more). */
  const open = useCallback(
    async (id: string): Promise<boolean> => {
      if (!history) return false;
      const stored = await history.get(id);
      if (!stored) return false;
      stopAll();
      client?.forget(jobIdsOf(conversationRef.current.turns));
      revokePreview(conversationRef.current.image);
      const previewUrl = stored.image?.blob ? URL.createObjectURL(stored.image.blob) : stored.image ? imageUrl(stored.image.imageId) : null;
      const restored: Conversation = restoreConversation(stored, previewUrl);
      savedKey.current = storedKey(stored);
      conversationRef.current = restored;
      dispatch({ type: 'load', conversation: restored });
      return true;
    },
    [client, history, stopAll],
  );

  const attachImage = useCallback(
    (image: ChatImage) => {
      const previous = conversationRef.current;
      if (previous.turns.length > 0) {
        stopAll();
        client?.forget(jobIdsOf(previous.turns));
      }
      revokePreview(previous.image);
      savedKey.current = null;
      conversationRef.current = { id: null, image, turns: [] };
      dispatch({ type: 'attachImage', image });
    },
    [client, stopAll],
  );

  const removeImage = useCallback(() => {
    const image = conversationRef.current.image;
    if (!image || conversationRef.current.turns.length > 0) return;
    revokePreview(image);
    dispatch({ type: 'removeImage' });
  }, []);

  const sendFeedback = useCallback(
    async (turnId: string, kind: FeedbackKind) => {
      const current = conversationRef.current;
      const index = current.turns.findIndex((turn) => turn.id === turnId);
      const turn = current.turns[index];
      const job = turn && client ? turnJob(turn, client.getSnapshot().jobs) : undefined;
      if (!turn || !job || !client) throw new Error('This answer is no longer available.');
      await postFeedback({
        kind,
        requestId: job.requestId,
        jobId: job.jobId,
        model: job.model,
        conversation: conversationWithAnswer(current, index, client.getSnapshot().jobs),
        params: turn.params,
        imageMode: turn.imageMode,
        imageHash: current.image?.imageId ?? null,
        workerId: job.workerId,
        finishReason: job.finishReason,
        timingsMs: job.timingsMs,
        tokens: job.tokens,
        tokensPerSecond: job.tokensPerSecond,
      });
      dispatch({ type: 'addFeedback', turnId, kind });
    },
    [client],
  );

  const busy = isConversationBusy(conversation, jobs);

  return {
    conversation,
    settings,
    setSettings,
    send,
    stop: stopAll,
    regenerate,
    clear,
    open,
    attachImage,
    removeImage,
    sendFeedback,
    busy,
    historyError,
  };
}
