import {
  ARENA_SIDES,
  arenaFrameSchema,
  type ApiError,
  type ArenaActionAck,
  type ArenaAsk,
  type ArenaAskAck,
  type ArenaClientToServerEvents,
  type ArenaFrame,
  type ArenaServerToClientEvents,
  type ArenaVerdict,
  type ArenaVoteAck,
} from '@mgm/protocol';
import type { Socket } from 'socket.io-client';
import { SnapshotStore } from '../snapshot-store.ts';
import {
  applyFrameToBattle,
  emptyBattle,
  isAnswerActive,
  isBattleBusy,
  queuedAnswer,
  voteBlocker,
  type ArenaBattleView,
} from './arena-state.ts';

export type ArenaSocket = Socket<ArenaServerToClientEvents, ArenaClientToServerEvents>;

export interface ArenaSnapshot {
  connected: boolean;
  everConnected: boolean;
  battle: ArenaBattleView;
}

const ACK_TIMEOUT_MS = 20_000;
const MAX_EARLY_FRAMES = 4096;
const noAnswer: ApiError = { code: 'INTERNAL', message: 'The server did not answer in time. Check your connection and try again.' };

/**
 * The browser side of one anonymous battle at a time, over the arena namespace: ask, follow up,
 * regenerate, stop, vote (which reveals the models), new round; resumes unfinished answers
 * after a reconnect. React reads it through useSyncExternalStore.
 */
export class ArenaClient {
  private readonly store = new SnapshotStore<ArenaSnapshot>({ connected: false, everConnected: false, battle: emptyBattle });
  /** Frames that overtook the ack naming their battle or attempt. */
  private early: ArenaFrame[] = [];

  constructor(
    private readonly socket: ArenaSocket,
    private readonly now: () => number = Date.now,
  ) {
    socket.on('connect', this.onConnect);
    socket.on('disconnect', this.onDisconnect);
    socket.on('frame', this.onFrame);
  }

  readonly subscribe = this.store.subscribe;

  readonly getSnapshot = this.store.getSnapshot;

  /** The first question draws a new pair; later ones follow up in the same battle. */
  async ask(request: Omit<ArenaAsk, 'battleId'>): Promise<boolean> {
    const battle = this.snapshot.battle;
    if (isBattleBusy(battle) || battle.vote || battle.pending) return false;
    const turn = { question: request.question.trim(), attempt: 0, answers: { a: queuedAnswer(this.now()), b: queuedAnswer(this.now()) } };
    const battleId = battle.battleId;
    this.setBattle({ ...battle, turns: [...battle.turns, turn], pending: 'ask', error: null });
    const ack = await this.acked<ArenaAskAck>((done) => this.socket.timeout(ACK_TIMEOUT_MS).emit('ask', { ...request, battleId }, done));
    const current = this.snapshot.battle;
    if (current.battleId !== battleId || current.pending !== 'ask') return false;
    if (!ack.ok) {
      this.setBattle({ ...current, turns: current.turns.slice(0, -1), pending: null, error: ack.error });
      return false;
    }
    this.setBattle(this.replayEarly({ ...current, battleId: ack.battleId, pending: null }));
    return true;
  }

  async regenerate(): Promise<void> {
    const battle = this.snapshot.battle;
    const { battleId } = battle;
    const last = battle.turns.at(-1);
    if (!battleId || !last || battle.vote || battle.pending) return;
    this.setBattle({ ...battle, pending: 'regenerate', error: null });
    const ack = await this.acked<ArenaActionAck>((done) => this.socket.timeout(ACK_TIMEOUT_MS).emit('regenerate', { battleId }, done));
    const current = this.snapshot.battle;
    if (current.battleId !== battle.battleId) return;
    if (!ack.ok) {
      this.setBattle({ ...current, pending: null, error: ack.error });
      return;
    }
    const turns = current.turns.map((turn, i) =>
      i === ack.turn ? { ...turn, attempt: ack.attempt, answers: { a: queuedAnswer(this.now()), b: queuedAnswer(this.now()) } } : turn,
    );
    this.setBattle(this.replayEarly({ ...current, turns, pending: null }));
  }

  async stop(): Promise<void> {
    const battle = this.snapshot.battle;
    const { battleId } = battle;
    if (!battleId || !isBattleBusy(battle)) return;
    const ack = await this.acked<ArenaActionAck>((done) => this.socket.timeout(ACK_TIMEOUT_MS).emit('stop', { battleId }, done));
    if (!ack.ok && this.snapshot.battle.battleId === battle.battleId) this.setBattle({ ...this.snapshot.battle, error: ack.error });
  }

  async vote(verdict: ArenaVerdict): Promise<void> {
    const battle = this.snapshot.battle;
    const { battleId } = battle;
    if (!battleId || voteBlocker(battle) !== null) return;
    this.setBattle({ ...battle, pending: 'vote', error: null });
    const ack = await this.acked<ArenaVoteAck>((done) => this.socket.timeout(ACK_TIMEOUT_MS).emit('vote', { battleId, verdict }, done));
    const current = this.snapshot.battle;
    if (current.battleId !== battle.battleId) return;
    if (!ack.ok) {
      this.setBattle({ ...current, pending: null, error: ack.error });
      return;
    }
    this.setBattle({ ...current, pending: null, vote: { verdict, result: ack.vote, reveal: ack.reveal } });
  }

  /** Leaves the current battle (stopping its answers) for a new pair at the next question. */
  newRound(): void {
    const battle = this.snapshot.battle;
    const { battleId } = battle;
    if (battleId && isBattleBusy(battle)) this.socket.timeout(ACK_TIMEOUT_MS).emit('stop', { battleId }, () => undefined);
    this.early = [];
    this.setBattle(emptyBattle);
  }

  close(): void {
    this.socket.off('connect', this.onConnect);
    this.socket.off('disconnect', this.onDisconnect);
    this.socket.off('frame', this.onFrame);
    this.socket.disconnect();
    this.store.clearListeners();
  }

  /** Resolves with the ack, or a failure when the server did not answer in time. */
  private acked<T>(send: (callback: (err: Error | null, ack: T) => void) => void): Promise<T | { ok: false; error: ApiError }> {
    return new Promise((resolve) => send((err, ack) => resolve(err ? { ok: false, error: noAnswer } : ack)));
  }

  private replayEarly(battle: ArenaBattleView): ArenaBattleView {
    let next = battle;
    const waiting = this.early;
    this.early = [];
    for (const frame of waiting) {
      const applied = applyFrameToBattle(next, frame, this.now());
      if (applied === next) this.keepEarly(frame, applied);
      next = applied;
    }
    return next;
  }

  /** Keeps a frame that may belong to an ack still on its way (not one of a battle left behind). */
  private keepEarly(frame: ArenaFrame, battle: ArenaBattleView): void {
    const unknownBattle = battle.pending === 'ask' && battle.battleId === null;
    const newerAttempt = frame.battleId === battle.battleId && frame.attempt > (battle.turns[frame.turn]?.attempt ?? -1);
    const nextTurn = frame.battleId === battle.battleId && frame.turn >= battle.turns.length;
    if ((unknownBattle || newerAttempt || nextTurn) && this.early.length < MAX_EARLY_FRAMES) this.early.push(frame);
  }

  private readonly onConnect = (): void => {
    const reconnect = this.snapshot.everConnected;
    this.update({ connected: true, everConnected: true });
    const battle = this.snapshot.battle;
    if (!reconnect || !battle.battleId) return;
    battle.turns.forEach((turn, index) => {
      for (const side of ARENA_SIDES) {
        const answer = turn.answers[side];
        if (!isAnswerActive(answer)) continue;
        this.socket.timeout(ACK_TIMEOUT_MS).emit('resume', { battleId: battle.battleId!, turn: index, attempt: turn.attempt, side, afterSeq: answer.lastSeq }, (err, ack) => {
          if (!err && ack.ok) return;
          const current = this.snapshot.battle;
          const currentTurn = current.turns[index];
          if (current.battleId !== battle.battleId || !currentTurn || currentTurn.attempt !== turn.attempt || !isAnswerActive(currentTurn.answers[side])) return;
          const error = err ? { code: 'INTERNAL' as const, message: 'Reconnected, but the server did not resume this answer.' } : !ack.ok ? ack.error : null;
          const failed = { ...currentTurn.answers[side], status: 'error' as const, error, finishedAt: this.now() };
          const turns = current.turns.map((t, i) => (i === index ? { ...t, answers: { ...t.answers, [side]: failed } } : t));
          this.setBattle({ ...current, turns });
        });
      }
    });
  };

  private readonly onDisconnect = (): void => {
    this.update({ connected: false });
  };

  private readonly onFrame = (raw: unknown): void => {
    const parsed = arenaFrameSchema.safeParse(raw);
    if (!parsed.success) return;
    const battle = this.snapshot.battle;
    const next = applyFrameToBattle(battle, parsed.data, this.now());
    if (next !== battle) this.setBattle(next);
    else this.keepEarly(parsed.data, battle);
  };

  private setBattle(battle: ArenaBattleView): void {
    this.update({ battle });
  }

  private get snapshot(): ArenaSnapshot {
    return this.store.getSnapshot();
  }

  private update(patch: Partial<ArenaSnapshot>): void {
    this.store.update(patch);
  }
}
