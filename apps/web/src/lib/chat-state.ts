import type { ChatMessage, FeedbackKind, ImageMode, SamplingParams } from '@mgm/protocol';
import { isJobActive, type JobState } from './job-state.ts';

/** An image the controller accepted (its id is the sha256 of the normalised PNG). */
export interface ChatImage {
  imageId: string;
  width: number;
  height: number;
  /** What the page shows: a local object URL, or the controller's copy. */
  previewUrl: string;
  name: string;
  /** A small local copy of the image (kept with the conversation, re-uploaded when the server lost it). */
  localCopy?: Blob;
}

export interface ChatTurn {
  id: string;
  question: string;
  model: string;
  params: SamplingParams;
  imageMode: ImageMode;
  /** Null until the controller acknowledged the request. */
  jobId: string | null;
  /** Feedback already recorded for this answer. */
  feedback: FeedbackKind[];
  /** The finished answer as it was kept in the browser's history (a conversation reopened after a reload). */
  saved?: JobState | null;
}

/** One conversation: as in MGM, the image belongs to the first user message, and a new image starts a new conversation. */
export interface Conversation {
  /** Set with the first question: the key of the conversation in the browser's history. */
  id?: string | null;
  /** Epoch ms of the first question. */
  createdAt?: number;
  image: ChatImage | null;
  turns: ChatTurn[];
}

export const emptyConversation: Conversation = { id: null, image: null, turns: [] };

export type ConversationAction =
  | { type: 'attachImage'; image: ChatImage }
  | { type: 'removeImage' }
  | { type: 'addTurn'; turn: ChatTurn; conversationId: string; now: number }
  | { type: 'load'; conversation: Conversation }
  | { type: 'replaceImage'; image: ChatImage }
  | { type: 'setTurnJob'; turnId: string; jobId: string; model: string; params: SamplingParams; imageMode: ImageMode }
  | { type: 'resetTurnJob'; turnId: string }
  | { type: 'addFeedback'; turnId: string; kind: FeedbackKind }
  | { type: 'clear' };

export function conversationReducer(state: Conversation, action: ConversationAction): Conversation {
  switch (action.type) {
    case 'attachImage':
      return { id: null, image: action.image, turns: [] };
    case 'removeImage':
      return state.turns.length > 0 ? state : { ...state, image: null };
    case 'addTurn':
      return {
        ...state,
        id: state.id ?? action.conversationId,
        createdAt: state.createdAt ?? action.now,
        turns: [...state.turns, action.turn],
      };
    case 'load':
      return action.conversation;
    case 'replaceImage':
      return { ...state, image: action.image };
    case 'setTurnJob':
      return {
        ...state,
        turns: state.turns.map((turn) =>
          turn.id === action.turnId
            ? { ...turn, jobId: action.jobId, model: action.model, params: action.params, imageMode: action.imageMode, feedback: [], saved: null }
            : turn,
        ),
      };
    case 'resetTurnJob':
      return { ...state, turns: state.turns.map((turn) => (turn.id === action.turnId ? { ...turn, jobId: null, feedback: [], saved: null } : turn)) };
    case 'addFeedback':
      return {
        ...state,
        turns: state.turns.map((turn) =>
          turn.id === action.turnId && !turn.feedback.includes(action.kind) ? { ...turn, feedback: [...turn.feedback, action.kind] } : turn,
        ),
      };
    case 'clear':
      return emptyConversation;
  }
}

/** The answer of a turn: the live job, else the answer kept in the history. */
export function turnJob(turn: ChatTurn, jobs: Readonly<Record<string, JobState>>): JobState | undefined {
  return (turn.jobId ? jobs[turn.jobId] : undefined) ?? turn.saved ?? undefined;
}

/** True while the last turn waits for its ack or its answer is still coming. */
export function isConversationBusy(conversation: Conversation, jobs: Readonly<Record<string, JobState>>): boolean {
  const last = conversation.turns.at(-1);
  if (!last) return false;
  if (last.jobId === null) return !last.saved;
  const job = jobs[last.jobId];
  return job !== undefined && isJobActive(job);
}

/** An answer that can be part of the history sent back to the model. */
function usableAnswer(job: JobState | undefined): string | null {
  if (!job || (job.status !== 'done' && job.status !== 'stopped')) return null;
  return job.text.trim() === '' ? null : job.text;
}

/**
 * The messages that ask for turn `index`'s answer: earlier turns whose answer failed or is
 * missing are left out (both sides) so user and assistant still alternate.
 */
export function messagesForTurn(
  conversation: Conversation,
  index: number,
  jobs: Readonly<Record<string, JobState>>,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  conversation.turns.slice(0, index).forEach((turn) => {
    const answer = usableAnswer(turnJob(turn, jobs));
    if (answer === null) return;
    messages.push({ role: 'user', content: turn.question }, { role: 'assistant', content: answer });
  });
  const turn = conversation.turns[index];
  if (turn) messages.push({ role: 'user', content: turn.question });
  return messages;
}

/** The conversation up to and including turn `index`'s answer, as feedback records it. */
export function conversationWithAnswer(
  conversation: Conversation,
  index: number,
  jobs: Readonly<Record<string, JobState>>,
): ChatMessage[] {
  const turn = conversation.turns[index];
  const job = turn ? turnJob(turn, jobs) : undefined;
  const messages = messagesForTurn(conversation, index, jobs);
  return job ? [...messages, { role: 'assistant', content: job.text }] : messages;
}
