import type { FeedbackKind, ImageMode, SamplingParams } from '@mgm/protocol';
import { turnJob, type ChatTurn, type Conversation } from '../chat-state.ts';
import { initialJobState, isJobActive, type JobState } from '../job-state.ts';

/** The longest title taken from the first question. */
export const MAX_TITLE_LENGTH = 60;

/** A finished answer as the history keeps it (no frames waiting for a gap). */
export type SavedAnswer = Omit<JobState, 'ahead'>;

export interface StoredTurn {
  id: string;
  question: string;
  model: string;
  params: SamplingParams;
  imageMode: ImageMode;
  feedback: FeedbackKind[];
  /** Null while the answer is still coming (a reload then shows it as interrupted). */
  answer: SavedAnswer | null;
}

export interface StoredImage {
  imageId: string;
  width: number;
  height: number;
  name: string;
  /** The small local copy: shown when the server's copy expired, re-uploaded to continue. */
  blob: Blob | null;
}

/** One conversation in the browser's history (IndexedDB, table `conversations`). */
export interface StoredConversation {
  id: string;
  title: string;
  /** True once the user renamed it: a later save keeps the title. */
  renamed: boolean;
  /** The model of the last question. */
  model: string;
  createdAt: number;
  updatedAt: number;
  image: StoredImage | null;
  turns: StoredTurn[];
}

/** The title of a conversation: its first question on one line, cut at a word. */
export function titleFromQuestion(question: string): string {
  const line = question.replace(/\s+/g, ' ').trim();
  if (line.length <= MAX_TITLE_LENGTH) return line || 'New chat';
  const cut = line.slice(0, MAX_TITLE_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX_TITLE_LENGTH / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function savedAnswer(job: JobState | undefined): SavedAnswer | null {
  if (!job || isJobActive(job)) return null;
  const { ahead: _ahead, ...answer } = job;
  return answer;
}

/**
 * What the history keeps of a conversation: every question, and the answers that ended
 * (streaming text is not saved token by token). Null for a conversation without a question.
 */
export function toStoredConversation(
  conversation: Conversation,
  jobs: Readonly<Record<string, JobState>>,
  now: number,
): Omit<StoredConversation, 'renamed'> | null {
  const first = conversation.turns[0];
  const last = conversation.turns.at(-1);
  if (!conversation.id || !first || !last) return null;
  const image = conversation.image;
  return {
    id: conversation.id,
    title: titleFromQuestion(first.question),
    model: last.model,
    createdAt: conversation.createdAt ?? now,
    updatedAt: now,
    image: image ? { imageId: image.imageId, width: image.width, height: image.height, name: image.name, blob: image.localCopy ?? null } : null,
    turns: conversation.turns.map((turn) => ({
      id: turn.id,
      question: turn.question,
      model: turn.model,
      params: turn.params,
      imageMode: turn.imageMode,
      feedback: turn.feedback,
      answer: savedAnswer(turnJob(turn, jobs)),
    })),
  };
}

/** A key that changes when what the history keeps changes (not with every streamed token). */
export function storedKey(stored: Omit<StoredConversation, 'renamed'> & { renamed?: boolean }): string {
  const { updatedAt: _updatedAt, title: _title, renamed: _renamed, image, ...rest } = stored;
  return JSON.stringify({ ...rest, image: image ? { ...image, blob: image.blob ? image.blob.size : null } : null });
}

/** A turn reopened from the history: no live job, its answer as it was (an unfinished one as interrupted). */
function restoredTurn(turn: StoredTurn, conversationId: string): ChatTurn {
  const answer: JobState | null = turn.answer
    ? { ...turn.answer, ahead: [] }
    : {
        ...initialJobState({ jobId: `${conversationId}-${turn.id}`, requestId: 'history', model: turn.model }, 0),
        status: 'error',
        error: { code: 'CANCELLED', message: 'This answer was interrupted when the page was closed.' },
        finishedAt: 0,
      };
  return { id: turn.id, question: turn.question, model: turn.model, params: turn.params, imageMode: turn.imageMode, feedback: turn.feedback, jobId: null, saved: answer };
}

/** The conversation to show for a stored one; `previewUrl` shows its image (an object URL of the local copy, or the server's). */
export function restoreConversation(stored: StoredConversation, previewUrl: string | null): Conversation {
  const image = stored.image;
  return {
    id: stored.id,
    createdAt: stored.createdAt,
    image: image
      ? { imageId: image.imageId, width: image.width, height: image.height, name: image.name, previewUrl: previewUrl ?? '', localCopy: image.blob ?? undefined }
      : null,
    turns: stored.turns.map((turn) => restoredTurn(turn, stored.id)),
  };
}
