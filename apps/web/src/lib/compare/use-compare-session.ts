'use client';

import { defaultSamplingParams, type ImageMode, type SamplingParams, type VoteChoice } from '@mgm/protocol';
import { useCallback, useReducer, useRef, useState } from 'react';
import type { ChatImage } from '../chat-state.ts';
import type { GenerationClient } from '../generation-client.ts';
import type { JobState } from '../job-state.ts';
import { newId } from '../new-id.ts';
import { postCompareVote } from '../votes-http.ts';
import {
  compareReducer,
  emptyCompareSession,
  groupByMessages,
  isCompareBusy,
  lastTurnVotability,
  messagesForPane,
  type ComparePane,
  type CompareSession,
  type CompareTurn,
} from './compare-state.ts';

export interface CompareSettings {
  params: SamplingParams;
  imageMode: ImageMode;
}

/**
 * One comparison against one GenerationClient: 2–4 models answer the same questions, each with
 * its own history; stop or regenerate one pane or all; a verdict on the last question.
 */
export function useCompareSession(client: GenerationClient | null, jobs: Readonly<Record<string, JobState>>) {
  const [session, dispatch] = useReducer(compareReducer, emptyCompareSession);
  const [settings, setSettings] = useState<CompareSettings>({ params: defaultSamplingParams, imageMode: 'default' });
  // Callbacks run after awaits: they read the latest state through refs.
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const settingsRef = useRef(settings);
  settingsRef.current = settings;

  const update = useCallback((next: CompareSession) => {
    sessionRef.current = next;
  }, []);

  const jobIdsOf = (turns: readonly CompareTurn[]) => turns.flatMap((turn) => Object.values(turn.jobs).filter((id): id is string => id !== null));

  const setModels = useCallback((models: string[]) => {
    const current = sessionRef.current;
    if (current.turns.length > 0) return;
    const panes: ComparePane[] = models.map((model, index) => ({ id: current.panes[index]?.id ?? newId('pane'), model }));
    update({ ...current, panes });
    dispatch({ type: 'setPanes', panes });
  }, [update]);

  /** Asks turn `index` of these panes: one `generate` per distinct history, all at once. */
  const startPanes = useCallback(
    async (index: number, panes: readonly ComparePane[], current: CompareSession) => {
      const turn = current.turns[index];
      if (!client || !turn) return;
      const { params, imageMode } = settingsRef.current;
      const snapshotJobs = client.getSnapshot().jobs;
      const entries = panes.map((pane) => ({ pane, messages: messagesForPane(current, pane.id, index, snapshotJobs) }));
      await Promise.all(
        groupByMessages(entries).map(async (group) => {
          const started = await client.generate({
            messages: group[0]!.messages,
            imageId: current.image?.imageId ?? null,
            models: group.map((entry) => entry.pane.model),
            params,
            imageMode,
            explain: (current.image?.imageId ?? null) !== null,
          });
          for (const job of started.jobs) {
            const entry = group.find((candidate) => candidate.pane.model === job.model);
            // The comparison may have been cleared while the request was on its way.
            const stillThere = sessionRef.current.turns.some((candidate) => candidate.id === turn.id);
            if (!entry || !stillThere) {
              client.stop(job.jobId);
              continue;
            }
            const latest = sessionRef.current;
            update({
              ...latest,
              turns: latest.turns.map((t) => (t.id === turn.id ? { ...t, jobs: { ...t.jobs, [entry.pane.id]: job.jobId } } : t)),
            });
            dispatch({ type: 'setJob', turnId: turn.id, paneId: entry.pane.id, jobId: job.jobId });
          }
        }),
      );
    },
    [client, update],
  );

  const send = useCallback(
    (question: string) => {
      const current = sessionRef.current;
      const text = question.trim();
      if (text === '' || current.panes.length < 2) return;
      const turn: CompareTurn = { id: newId('turn'), question: text, jobs: Object.fromEntries(current.panes.map((pane) => [pane.id, null])), vote: null };
      const next = { ...current, turns: [...current.turns, turn] };
      update(next);
      dispatch({ type: 'addTurn', turn });
      void startPanes(next.turns.length - 1, next.panes, next);
    },
    [startPanes, update],
  );

  const stopPane = useCallback(
    (paneId: string) => {
      const jobId = sessionRef.current.turns.at(-1)?.jobs[paneId];
      if (client && jobId) client.stop(jobId);
    },
    [client],
  );

  const stopAll = useCallback(() => {
    const last = sessionRef.current.turns.at(-1);
    if (!client || !last) return;
    for (const jobId of Object.values(last.jobs)) if (jobId) client.stop(jobId);
  }, [client]);

  const regeneratePane = useCallback(
    (paneId: string) => {
      const current = sessionRef.current;
      const last = current.turns.at(-1);
      const pane = current.panes.find((candidate) => candidate.id === paneId);
      if (!client || !last || !pane) return;
      const old = last.jobs[paneId];
      if (old) {
        client.stop(old);
        client.forget([old]);
      }
      const next = { ...current, turns: current.turns.map((t) => (t.id === last.id ? { ...t, jobs: { ...t.jobs, [paneId]: null }, vote: null } : t)) };
      update(next);
      dispatch({ type: 'setJob', turnId: last.id, paneId, jobId: null });
      void startPanes(next.turns.length - 1, [pane], next);
    },
    [client, startPanes, update],
  );

  const forgetAll = useCallback(() => {
    const turns = sessionRef.current.turns;
    if (!client || turns.length === 0) return;
    for (const jobId of jobIdsOf(turns)) client.stop(jobId);
    client.forget(jobIdsOf(turns));
  }, [client]);

  const clear = useCallback(() => {
    forgetAll();
    const image = sessionRef.current.image;
    if (image?.previewUrl.startsWith('blob:')) URL.revokeObjectURL(image.previewUrl);
    update({ ...sessionRef.current, image: null, turns: [] });
    dispatch({ type: 'clear' });
  }, [forgetAll, update]);

  const attachImage = useCallback(
    (image: ChatImage) => {
      forgetAll();
      const previous = sessionRef.current.image;
      if (previous?.previewUrl.startsWith('blob:')) URL.revokeObjectURL(previous.previewUrl);
      update({ ...sessionRef.current, image, turns: [] });
      dispatch({ type: 'attachImage', image });
    },
    [forgetAll, update],
  );

  const removeImage = useCallback(() => {
    const current = sessionRef.current;
    if (!current.image || current.turns.length > 0) return;
    if (current.image.previewUrl.startsWith('blob:')) URL.revokeObjectURL(current.image.previewUrl);
    update({ ...current, image: null });
    dispatch({ type: 'removeImage' });
  }, [update]);

  const vote = useCallback(
    async (choice: VoteChoice) => {
      const current = sessionRef.current;
      const last = current.turns.at(-1);
      if (!client || !last) return;
      const votability = lastTurnVotability(current, client.getSnapshot().jobs);
      if (!votability.votable) {
        dispatch({ type: 'setVote', turnId: last.id, vote: { status: 'error', choice, message: votability.reason } });
        return;
      }
      dispatch({ type: 'setVote', turnId: last.id, vote: { status: 'sending', choice } });
      try {
        const result = await postCompareVote({ jobIds: votability.jobIds, choice, turns: current.turns.length });
        dispatch({ type: 'setVote', turnId: last.id, vote: { status: 'recorded', choice, id: result.id } });
      } catch (err) {
        dispatch({ type: 'setVote', turnId: last.id, vote: { status: 'error', choice, message: err instanceof Error ? err.message : String(err) } });
      }
    },
    [client],
  );

  return {
    session,
    settings,
    setSettings,
    setModels,
    send,
    stopPane,
    stopAll,
    regeneratePane,
    clear,
    attachImage,
    removeImage,
    vote,
    busy: isCompareBusy(session, jobs),
    votability: lastTurnVotability(session, jobs),
  };
}
