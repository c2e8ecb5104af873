import { MAX_MODELS_PER_REQUEST, PANE_LABELS, type ChatMessage, type PaneLabel, type VoteChoice } from '@mgm/protocol';
import type { ChatImage } from '../chat-state.ts';
import { isJobActive, type JobState } from '../job-state.ts';

export const MIN_PANES = 2;
export const MAX_PANES = MAX_MODELS_PER_REQUEST;

/** One model of the comparison; its letter is its position (A, B, C, D). */
export interface ComparePane {
  id: string;
  model: string;
}

export type CompareVoteState =
  | { status: 'sending'; choice: VoteChoice }
  | { status: 'recorded'; choice: VoteChoice; id: string }
  | { status: 'error'; choice: VoteChoice; message: string };

/** One question, asked of every pane; each pane answers it with its own history. */
export interface CompareTurn {
  id: string;
  question: string;
  /** Pane id -> job id (null until the controller acknowledged it). */
  jobs: Readonly<Record<string, string | null>>;
  vote: CompareVoteState | null;
}

export interface CompareSession {
  panes: ComparePane[];
  /** As in MGM, the image belongs to the first question; a new image starts a new comparison. */
  image: ChatImage | null;
  turns: CompareTurn[];
}

export const emptyCompareSession: CompareSession = { panes: [], image: null, turns: [] };

export type CompareAction =
  | { type: 'setPanes'; panes: ComparePane[] }
  | { type: 'attachImage'; image: ChatImage }
  | { type: 'removeImage' }
  | { type: 'addTurn'; turn: CompareTurn }
  | { type: 'setJob'; turnId: string; paneId: string; jobId: string | null }
  | { type: 'setVote'; turnId: string; vote: CompareVoteState | null }
  | { type: 'clear' };

export function compareReducer(state: CompareSession, action: CompareAction): CompareSession {
  switch (action.type) {
    case 'setPanes':
      // The models are fixed once the first question was asked.
      return state.turns.length > 0 ? state : { ...state, panes: action.panes.slice(0, MAX_PANES) };
    case 'attachImage':
      return { ...state, image: action.image, turns: [] };
    case 'removeImage':
      return state.turns.length > 0 ? state : { ...state, image: null };
    case 'addTurn':
      return { ...state, turns: [...state.turns, action.turn] };
    case 'setJob':
      return {
        ...state,
        turns: state.turns.map((turn) =>
          // A new answer in a pane makes an earlier verdict on this turn stale.
          turn.id === action.turnId ? { ...turn, jobs: { ...turn.jobs, [action.paneId]: action.jobId }, vote: action.jobId === null ? null : turn.vote } : turn,
        ),
      };
    case 'setVote':
      return { ...state, turns: state.turns.map((turn) => (turn.id === action.turnId ? { ...turn, vote: action.vote } : turn)) };
    case 'clear':
      return { ...state, image: null, turns: [] };
  }
}

export function paneLabel(index: number): PaneLabel {
  const label = PANE_LABELS[index];
  if (!label) throw new Error(`no pane ${index}`);
  return label;
}

function usableAnswer(job: JobState | undefined): string | null {
  if (!job || (job.status !== 'done' && job.status !== 'stopped')) return null;
  return job.text.trim() === '' ? null : job.text;
}

/**
 * What pane `paneId` is asked for turn `index`: its own earlier questions and answers (a turn it
 * has no answer for is left out, both sides) and the question.
 */
export function messagesForPane(
  session: CompareSession,
  paneId: string,
  index: number,
  jobs: Readonly<Record<string, JobState>>,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const turn of session.turns.slice(0, index)) {
    const jobId = turn.jobs[paneId];
    const answer = usableAnswer(jobId ? jobs[jobId] : undefined);
    if (answer !== null) messages.push({ role: 'user', content: turn.question }, { role: 'assistant', content: answer });
  }
  const turn = session.turns[index];
  if (turn) messages.push({ role: 'user', content: turn.question });
  return messages;
}

/**
 * Panes asked the same messages go in one `generate` (one request, one job per model); panes
 * whose histories differ get a request each.
 */
export function groupByMessages<T extends { messages: ChatMessage[] }>(entries: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const entry of entries) {
    const key = JSON.stringify(entry.messages);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups.values()];
}

/** True while a question of the last turn waits for its ack or an answer is still coming. */
export function isCompareBusy(session: CompareSession, jobs: Readonly<Record<string, JobState>>): boolean {
  const last = session.turns.at(-1);
  if (!last) return false;
  return session.panes.some((pane) => {
    const jobId = last.jobs[pane.id];
    if (jobId === null || jobId === undefined) return true;
    const job = jobs[jobId];
    return job !== undefined && isJobActive(job);
  });
}

export type Votability = { votable: true; jobIds: string[] } | { votable: false; reason: string };

/** Whether the last turn can be voted on: every pane answered (finished or stopped). */
export function lastTurnVotability(session: CompareSession, jobs: Readonly<Record<string, JobState>>): Votability {
  const last = session.turns.at(-1);
  if (!last) return { votable: false, reason: 'Ask a question first.' };
  const jobIds: string[] = [];
  for (const [index, pane] of session.panes.entries()) {
    const jobId = last.jobs[pane.id];
    const job = jobId ? jobs[jobId] : undefined;
    if (!jobId || !job || isJobActive(job)) return { votable: false, reason: 'Vote when every answer has finished.' };
    if (job.status === 'error') return { votable: false, reason: `Answer ${paneLabel(index)} failed: regenerate it to vote.` };
    jobIds.push(jobId);
  }
  return { votable: true, jobIds };
}

export interface ChoiceOption {
  choice: VoteChoice;
  label: string;
}

/** FastChat's buttons with two panes; "pick the best" with more. */
export function choiceOptions(paneCount: number): ChoiceOption[] {
  const labels = PANE_LABELS.slice(0, paneCount);
  const panes = labels.map((label, pane) => ({
    choice: { type: 'pane', pane } as const,
    label: paneCount === 2 ? `${label} is better` : `${label} is best`,
  }));
  return [
    ...panes,
    { choice: { type: 'tie' }, label: 'Tie' },
    { choice: { type: 'all-bad' }, label: paneCount === 2 ? 'Both are bad' : 'All are bad' },
  ];
}

export function sameChoice(a: VoteChoice, b: VoteChoice): boolean {
  return a.type === b.type && (a.type !== 'pane' || (b.type === 'pane' && a.pane === b.pane));
}
