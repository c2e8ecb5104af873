'use client';

import { defaultSamplingParams, type FeedbackKind, type ImageMode, type SamplingParams } from '@mgm/protocol';
import { useCallback, useReducer, useRef, useState } from 'react';
import {
  conversationReducer,
  conversationWithAnswer,
  emptyConversation,
  isConversationBusy,
  messagesForTurn,
  type ChatImage,
} from './chat-state.ts';
import { postFeedback } from './controller-http.ts';
import type { GenerationClient } from './generation-client.ts';
import type { JobState } from './job-state.ts';
import { newId } from './new-id.ts';

export interface ChatSettings {
  model: string | null;
  params: SamplingParams;
  imageMode: ImageMode;
}

/**
 * One chat conversation against one GenerationClient: send, stop, regenerate, clear, attach a
 * new image (which starts a new conversation, as in MGM) and feedback on an answer.
 */
export function useChatSession(client: GenerationClient | null, jobs: Readonly<Record<string, JobState>>) {
  const [conversation, dispatch] = useReducer(conversationReducer, emptyConversation);
  const [settings, setSettings] = useState<ChatSettings>({ model: null, params: defaultSamplingParams, imageMode: 'default' });
  // Callbacks read the latest state through refs: they run after awaits and from event listeners.
  const conversationRef = useRef(conversation);
  conversationRef.current = conversation;
  const settingsRef = useRef(settings);
  settingsRef.current = settings;

  const jobIdsOf = (turns: typeof conversation.turns) => turns.flatMap((turn) => (turn.jobId ? [turn.jobId] : []));

  const stopAll = useCallback(() => {
    if (!client) return;
    for (const jobId of jobIdsOf(conversationRef.current.turns)) client.stop(jobId);
  }, [client]);

  /** Starts the answer of turn `index` with the current settings. */
  const startTurn = useCallback(
    async (index: number, turns: typeof conversation.turns) => {
      const { model, params, imageMode } = settingsRef.current;
      const current = { ...conversationRef.current, turns };
      const turn = turns[index];
      if (!client || !model || !turn) return;
      const messages = messagesForTurn(current, index, client.getSnapshot().jobs);
      const imageId = current.image?.imageId ?? null;
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
    [client],
  );

  const send = useCallback(
    (question: string) => {
      const { model, params, imageMode } = settingsRef.current;
      if (!model || question.trim() === '') return;
      const turn = { id: newId('turn'), question: question.trim(), model, params, imageMode, jobId: null, feedback: [] };
      const turns = [...conversationRef.current.turns, turn];
      conversationRef.current = { ...conversationRef.current, turns };
      dispatch({ type: 'addTurn', turn });
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
    const image = conversationRef.current.image;
    if (image?.previewUrl.startsWith('blob:')) URL.revokeObjectURL(image.previewUrl);
    conversationRef.current = emptyConversation;
    dispatch({ type: 'clear' });
  }, [client, stopAll]);

  const attachImage = useCallback(
    (image: ChatImage) => {
      const previous = conversationRef.current;
      if (previous.turns.length > 0) {
        stopAll();
        client?.forget(jobIdsOf(previous.turns));
      }
      if (previous.image?.previewUrl.startsWith('blob:')) URL.revokeObjectURL(previous.image.previewUrl);
      conversationRef.current = { image, turns: [] };
      dispatch({ type: 'attachImage', image });
    },
    [client, stopAll],
  );

  const removeImage = useCallback(() => {
    const image = conversationRef.current.image;
    if (!image || conversationRef.current.turns.length > 0) return;
    if (image.previewUrl.startsWith('blob:')) URL.revokeObjectURL(image.previewUrl);
    dispatch({ type: 'removeImage' });
  }, []);

  const sendFeedback = useCallback(
    async (turnId: string, kind: FeedbackKind) => {
      const current = conversationRef.current;
      const index = current.turns.findIndex((turn) => turn.id === turnId);
      const turn = current.turns[index];
      const job = turn?.jobId && client ? client.getSnapshot().jobs[turn.jobId] : undefined;
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

  return { conversation, settings, setSettings, send, stop: stopAll, regenerate, clear, attachImage, removeImage, sendFeedback, busy };
}
