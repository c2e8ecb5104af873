import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  ARENA_SIDES,
  MAX_ARENA_TURNS,
  MgmError,
  arenaAskSchema,
  type ArenaResume,
  type ArenaReveal,
  type ArenaVerdict,
  type ChatMessage,
  type JobMeta,
  type SamplingParams,
  type VoteChoice,
  type VoteResult,
} from '@mgm/protocol';
import type { z } from 'zod';
import { assertPromptFits } from '../prompt-admission.ts';
import type { WorkerLabels } from '../worker-labels.ts';
import type { WorkerRegistry } from '../worker-registry.ts';
import type { ArenaBattle, BattleStore, BattleTurn } from './battle-store.ts';
import { readJobOutcome, readJudgedAnswer, type AnswerSource, type JudgedAnswer } from './judged-answer.ts';
import { arenaCandidates, drawPair, type ArenaWeights } from './model-draw.ts';
import type { VoteStore } from './vote-store.ts';

export type ArenaAskRequest = z.output<typeof arenaAskSchema>;

export interface ArenaServiceDeps extends AnswerSource {
  registry: WorkerRegistry;
  battles: BattleStore;
  votes: VoteStore;
  weights: ArenaWeights;
  /** The reveal shows opaque worker labels (the vote record keeps the real ids, admin-only). */
  labels: WorkerLabels;
  /** Uniform in [0, 1): draws the pair and the sides. */
  random: () => number;
  logger: Logger;
  now?: () => number;
}

/** The two jobs of a turn that was just queued (side a first). */
export interface ArenaTurnJobs {
  battle: ArenaBattle;
  turn: number;
  attempt: number;
  metas: [JobMeta, JobMeta];
}

const verdictChoice: Record<ArenaVerdict, VoteChoice> = {
  a: { type: 'pane', pane: 0 },
  b: { type: 'pane', pane: 1 },
  tie: { type: 'tie' },
  'both-bad': { type: 'all-bad' },
};

export const NOT_COUNTED_STOPPED = 'an answer was stopped before it finished';
export const NOT_COUNTED_IDENTITY = 'an answer names a model, so the vote was not blind';

/**
 * FastChat's anonymous battle, decided by the server: it draws two live models by weight, puts
 * them on random sides, asks both every question of the battle (each side with its own
 * history), and keeps which model is which to itself until the one vote of the battle, which
 * reveals them. The vote only counts when both last answers finished (not stopped) and neither
 * answer names a model; the names are hidden at vote time by construction, since only a vote
 * reveals them and a battle takes one vote.
 */
export class ArenaService {
  private readonly now: () => number;

  constructor(private readonly deps: ArenaServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The first question starts a battle with a freshly drawn pair; later ones follow up. */
  ask(request: ArenaAskRequest): Promise<ArenaTurnJobs> {
    const { battleId } = request;
    if (battleId) return this.deps.battles.exclusive(battleId, () => this.followUp(battleId, request));
    return this.start(request);
  }

  /** Both answers of the last question again (the running ones are stopped). */
  regenerate(battleId: string): Promise<ArenaTurnJobs> {
    return this.deps.battles.exclusive(battleId, async () => {
      const battle = await this.openBattle(battleId);
      const last = battle.turns.at(-1);
      if (!last) throw new MgmError('BAD_REQUEST', 'there is nothing to regenerate yet: ask a question first');
      await this.cancelTurn(last);
      const earlier = battle.turns.slice(0, -1);
      const histories = await Promise.all(ARENA_SIDES.map((_, side) => this.history(earlier, side)));
      await this.requireReady(battle);
      return this.enqueueTurn(battle, last.question, histories, last.attempt + 1, true);
    });
  }

  /** Stops both answers of the last question. */
  stop(battleId: string): Promise<{ battle: ArenaBattle; turn: number; attempt: number }> {
    return this.deps.battles.exclusive(battleId, async () => {
      const battle = await this.existingBattle(battleId);
      const last = battle.turns.at(-1);
      if (!last) throw new MgmError('BAD_REQUEST', 'there is nothing to stop');
      await this.cancelTurn(last);
      return { battle, turn: battle.turns.length - 1, attempt: last.attempt };
    });
  }

  /** Records the battle's one vote and reveals the models. */
  vote(battleId: string, verdict: ArenaVerdict): Promise<{ vote: VoteResult; reveal: ArenaReveal; battle: ArenaBattle }> {
    return this.deps.battles.exclusive(battleId, async () => {
      const battle = await this.openBattle(battleId);
      const last = battle.turns.at(-1);
      if (!last) throw new MgmError('BAD_REQUEST', 'ask a question before voting');
      const answers = await Promise.all(last.jobs.map((jobId) => readJudgedAnswer(this.deps, jobId)));
      const token = randomUUID();
      if (!(await this.deps.battles.claimVote(battleId, token))) {
        throw new MgmError('BAD_REQUEST', 'this battle has already been voted on: start a new round');
      }
      let recordId: string;
      let reason: string | null;
      try {
        reason = notCountedReason(battle, answers);
        const record = await this.deps.votes.append({
          mode: 'arena',
          battleId,
          blind: true,
          counted: reason === null,
          notCountedReason: reason,
          choice: verdictChoice[verdict],
          panes: answers.map((answer, side) => ({ label: side === 0 ? 'A' : 'B', ...answer })),
          turns: battle.turns.length,
        });
        recordId = record.id;
      } catch (error) {
        await this.deps.battles.releaseVote(battleId, token).catch(() => undefined);
        throw error;
      }
      const voted: ArenaBattle = { ...battle, voteId: recordId };
      await this.deps.battles.put(voted);
      this.deps.logger.info({ battleId, voteId: recordId, verdict, counted: reason === null }, 'arena vote recorded');
      const reveal = Object.fromEntries(
        ARENA_SIDES.map((side, i) => {
          const answer = answers[i]!;
          return [
            side,
            {
              model: answer.model,
              displayName: battle.displayNames[i]!,
              workerId: answer.workerId === null ? null : this.deps.labels.label(answer.workerId),
              finishReason: answer.finishReason,
              tokens: answer.tokens,
              timingsMs: answer.timingsMs,
              tokensPerSecond: answer.tokensPerSecond,
            },
          ];
        }),
      ) as ArenaReveal;
      return { vote: { id: recordId, counted: reason === null, notCountedReason: reason }, reveal, battle: voted };
    });
  }

  /** The job behind one side of a turn, for a client that reconnected. */
  async resumeTarget(request: ArenaResume): Promise<{ battle: ArenaBattle; meta: JobMeta }> {
    const battle = await this.existingBattle(request.battleId);
    const turn = battle.turns[request.turn];
    if (!turn || turn.attempt !== request.attempt) {
      throw new MgmError('JOB_NOT_FOUND', 'that answer was replaced by a newer one (regenerated)');
    }
    const meta = await this.deps.dispatcher.meta(turn.jobs[ARENA_SIDES.indexOf(request.side)]!);
    if (!meta) throw new MgmError('JOB_NOT_FOUND', 'that answer is no longer available (it expired)');
    await this.deps.dispatcher.watch(meta.model);
    return { battle, meta };
  }

  private async start(request: ArenaAskRequest): Promise<ArenaTurnJobs> {
    const imageId = request.imageId ?? null;
    if (imageId !== null && (await this.deps.redis.exists(this.deps.keys.image(imageId))) === 0) {
      throw new MgmError('IMAGE_NOT_FOUND', 'the image is no longer stored (uploads expire): attach it again');
    }
    const candidates = arenaCandidates(await this.deps.registry.models(), this.deps.weights, imageId !== null);
    const [a, b] = drawPair(candidates, this.deps.random);
    const battle: ArenaBattle = {
      battleId: randomUUID(),
      models: [a.id, b.id],
      displayNames: [a.displayName, b.displayName],
      imageId,
      imageMode: request.imageMode,
      params: arenaSampling(request.params.maxNewTokens),
      turns: [],
      createdAt: this.now(),
      voteId: null,
    };
    this.deps.logger.debug({ battleId: battle.battleId }, 'arena battle drawn');
    return this.enqueueTurn(battle, request.question, [[], []], 0, false);
  }

  private async followUp(battleId: string, request: ArenaAskRequest): Promise<ArenaTurnJobs> {
    const battle = await this.openBattle(battleId);
    if (request.imageId && request.imageId !== battle.imageId) {
      throw new MgmError('BAD_REQUEST', 'a new image starts a new round: the image belongs to the first question');
    }
    if (battle.turns.length >= MAX_ARENA_TURNS) {
      throw new MgmError('BAD_REQUEST', `a battle has at most ${MAX_ARENA_TURNS} questions: vote, then start a new round`);
    }
    const histories = await Promise.all(ARENA_SIDES.map((_, side) => this.history(battle.turns, side)));
    await this.requireReady(battle);
    return this.enqueueTurn(battle, request.question, histories, 0, false);
  }

  /** One side's conversation so far (turns without an answer are left out, both messages). */
  private async history(turns: readonly BattleTurn[], side: number): Promise<ChatMessage[]> {
    const messages: ChatMessage[] = [];
    for (const turn of turns) {
      const outcome = await readJobOutcome(this.deps, turn.jobs[side]!);
      if (outcome.status === 'running') throw new MgmError('BAD_REQUEST', 'wait until both answers have finished before asking again');
      if (outcome.status === 'ended' && outcome.end.text.trim() !== '') {
        messages.push({ role: 'user', content: turn.question }, { role: 'assistant', content: outcome.end.text });
      }
    }
    return messages;
  }

  private async enqueueTurn(
    battle: ArenaBattle,
    question: string,
    histories: ChatMessage[][],
    attempt: number,
    replaceLast: boolean,
  ): Promise<ArenaTurnJobs> {
    const requestId = randomUUID();
    const enqueuedAt = this.now();
    const metas = battle.models.map((model) => ({ jobId: randomUUID(), requestId, model, enqueuedAt })) as [JobMeta, JobMeta];
    const conversations = metas.map((_, side) => [...histories[side]!, { role: 'user' as const, content: question }]);
    const workers = await this.deps.registry.list();
    metas.forEach((meta, side) => {
      // Named "Model A" / "Model B": the battle is still blind.
      assertPromptFits(conversations[side]!, battle.imageId !== null, workers.filter((w) => w.model === meta.model), `Model ${ARENA_SIDES[side]!.toUpperCase()}`);
    });
    for (const [side, meta] of metas.entries()) {
      await this.deps.dispatcher.enqueue({
        ...meta,
        messages: conversations[side]!,
        imageId: battle.imageId,
        imageMode: battle.imageMode,
        params: battle.params,
      });
    }
    const turn: BattleTurn = { question, attempt, requestId, jobs: [metas[0].jobId, metas[1].jobId] };
    const turns = replaceLast ? [...battle.turns.slice(0, -1), turn] : [...battle.turns, turn];
    const updated: ArenaBattle = { ...battle, turns };
    await this.deps.battles.put(updated);
    return { battle: updated, turn: turns.length - 1, attempt, metas };
  }

  private async cancelTurn(turn: BattleTurn): Promise<void> {
    const metas = await Promise.all(turn.jobs.map((jobId) => this.deps.dispatcher.meta(jobId)));
    await Promise.all(metas.map((meta) => (meta ? this.deps.dispatcher.cancel(meta) : undefined)));
  }

  private async requireReady(battle: ArenaBattle): Promise<void> {
    const workers = await this.deps.registry.list();
    for (const model of battle.models) {
      if (!workers.some((worker) => worker.model === model && worker.state === 'ready')) {
        // Without naming it: the battle is still blind.
        throw new MgmError('NO_WORKER', 'a model of this battle has no ready worker right now: try again shortly, or start a new round');
      }
    }
  }

  private async existingBattle(battleId: string): Promise<ArenaBattle> {
    const battle = await this.deps.battles.get(battleId);
    if (!battle) throw new MgmError('NOT_FOUND', 'this battle is over or expired: start a new round');
    return battle;
  }

  /** A battle whose names are still hidden (not voted on). */
  private async openBattle(battleId: string): Promise<ArenaBattle> {
    const battle = await this.existingBattle(battleId);
    if (battle.voteId !== null) throw new MgmError('BAD_REQUEST', 'this battle has already been voted on: start a new round');
    return battle;
  }
}

/**
 * The arena samples with the server's parameters, as FastChat's battles do (temperature 0.7,
 * top-p 1.0): a client that picked greedy decoding could recognise each model by its fixed
 * answers. Only the length of the answer is the client's choice.
 */
export const ARENA_TEMPERATURE = 0.7;
export const ARENA_TOP_P = 1.0;

export function arenaSampling(maxNewTokens: number): SamplingParams {
  return { temperature: ARENA_TEMPERATURE, topP: ARENA_TOP_P, topK: 0, repetitionPenalty: 1, maxNewTokens };
}

/** Why a blind vote must not be rated, or null when it counts (FastChat's anonymous-battle rules). */
export function notCountedReason(battle: ArenaBattle, answers: readonly JudgedAnswer[]): string | null {
  if (answers.some((answer) => answer.finishReason === 'abort')) return NOT_COUNTED_STOPPED;
  const names = [...battle.models, ...battle.displayNames].map((name) => name.toLowerCase()).filter((name) => name.length >= 3);
  const said = answers.flatMap((answer) => [answer.answer, ...answer.messages.filter((m) => m.role === 'assistant').map((m) => m.content)]);
  if (said.some((text) => names.some((name) => text.toLowerCase().includes(name)))) return NOT_COUNTED_IDENTITY;
  return null;
}
