import type { ApiError, ArenaFrame, ArenaReveal, ArenaSide, ArenaVerdict, ErrorCode, FinishReason, VoteResult } from '@mgm/protocol';

export type ArenaAnswerStatus = 'queued' | 'streaming' | 'done' | 'stopped' | 'error';

/** One anonymous answer, folded from its frames (text and finish only: nothing names the model). */
export interface ArenaAnswer {
  status: ArenaAnswerStatus;
  text: string;
  lastSeq: number;
  finishReason: FinishReason | null;
  error: { code: ErrorCode; message: string } | null;
  startedAt: number;
  finishedAt: number | null;
  /** Frames that came ahead of a gap, applied once it is filled. */
  ahead: readonly ArenaFrame[];
}

export interface ArenaTurn {
  question: string;
  /** Bumped by regenerate; frames of another attempt are ignored. */
  attempt: number;
  answers: Record<ArenaSide, ArenaAnswer>;
}

export interface ArenaVoteOutcome {
  verdict: ArenaVerdict;
  result: VoteResult;
  reveal: ArenaReveal;
}

export interface ArenaBattleView {
  /** Null until the controller drew the pair (the first question's ack). */
  battleId: string | null;
  turns: ArenaTurn[];
  /** An action waiting for its ack. */
  pending: 'ask' | 'regenerate' | 'vote' | null;
  vote: ArenaVoteOutcome | null;
  /** The last refused action, shown until the next one. */
  error: ApiError | null;
}

export const emptyBattle: ArenaBattleView = { battleId: null, turns: [], pending: null, vote: null, error: null };

export function queuedAnswer(now: number): ArenaAnswer {
  return { status: 'queued', text: '', lastSeq: -1, finishReason: null, error: null, startedAt: now, finishedAt: null, ahead: [] };
}

export function isAnswerActive(answer: ArenaAnswer): boolean {
  return answer.status === 'queued' || answer.status === 'streaming';
}

/** Applies one frame in seq order; an old one is ignored, one ahead of a gap waits. */
export function applyArenaFrame(answer: ArenaAnswer, frame: ArenaFrame, now: number): ArenaAnswer {
  if (frame.seq <= answer.lastSeq || !isAnswerActive(answer)) return answer;
  if (frame.seq > answer.lastSeq + 1) {
    if (answer.ahead.some((waiting) => waiting.seq === frame.seq)) return answer;
    return { ...answer, ahead: [...answer.ahead, frame].sort((a, b) => a.seq - b.seq) };
  }
  let next = applyNext(answer, frame, now);
  while (isAnswerActive(next) && next.ahead[0]?.seq === next.lastSeq + 1) {
    const [first, ...rest] = next.ahead;
    next = applyNext({ ...next, ahead: rest }, first!, now);
  }
  return isAnswerActive(next) ? next : { ...next, ahead: [] };
}

function applyNext(answer: ArenaAnswer, frame: ArenaFrame, now: number): ArenaAnswer {
  const next: ArenaAnswer = { ...answer, lastSeq: frame.seq };
  switch (frame.type) {
    case 'start':
      // A start after other frames: the job moved to another worker and starts over.
      return { ...next, status: 'streaming', text: '' };
    case 'delta':
      return { ...next, status: 'streaming', text: answer.text + frame.text };
    case 'end':
      return { ...next, status: frame.finishReason === 'abort' ? 'stopped' : 'done', text: frame.text, finishReason: frame.finishReason, finishedAt: now };
    case 'error':
      if (frame.code === 'CANCELLED') return { ...next, status: 'stopped', finishReason: 'abort', finishedAt: now };
      return { ...next, status: 'error', error: { code: frame.code, message: frame.message }, finishedAt: now };
  }
}

/** Applies a frame to the battle when it belongs to it (same battle, a known turn, its current attempt). */
export function applyFrameToBattle(battle: ArenaBattleView, frame: ArenaFrame, now: number): ArenaBattleView {
  if (frame.battleId !== battle.battleId) return battle;
  const turn = battle.turns[frame.turn];
  if (!turn || turn.attempt !== frame.attempt) return battle;
  const answer = applyArenaFrame(turn.answers[frame.side], frame, now);
  if (answer === turn.answers[frame.side]) return battle;
  const turns = battle.turns.map((t, i) => (i === frame.turn ? { ...t, answers: { ...t.answers, [frame.side]: answer } } : t));
  return { ...battle, turns };
}

export function isBattleBusy(battle: ArenaBattleView): boolean {
  if (battle.pending === 'ask' || battle.pending === 'regenerate') return true;
  const last = battle.turns.at(-1);
  return last !== undefined && (isAnswerActive(last.answers.a) || isAnswerActive(last.answers.b));
}

/** Why the battle cannot be voted on now, or null when it can. */
export function voteBlocker(battle: ArenaBattleView): string | null {
  if (battle.vote) return 'You voted on this battle. Start a new round.';
  const last = battle.turns.at(-1);
  if (!battle.battleId || !last) return 'Ask a question first.';
  if (isBattleBusy(battle) || battle.pending === 'vote') return 'Vote when both answers have finished.';
  if (last.answers.a.status === 'error' || last.answers.b.status === 'error') return 'An answer failed: regenerate to vote.';
  return null;
}
