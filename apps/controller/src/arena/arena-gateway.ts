import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import {
  ARENA_NAMESPACE,
  ARENA_SIDES,
  MgmError,
  arenaAskSchema,
  arenaBattleRequestSchema,
  arenaResumeSchema,
  arenaVoteSchema,
  describeZodError,
  toApiError,
  type ApiError,
  type ArenaClientToServerEvents,
  type ArenaFrame,
  type ArenaServerToClientEvents,
  type ArenaSide,
  type JobMeta,
  type StreamFrame,
} from '@mgm/protocol';
import type { DepartedClients } from '../departed-clients.ts';
import type { FrameRelay, FrameSubscription } from '../frame-relay.ts';
import { clientIp, sessionOf, type ClientIdentity, type ClientLimits } from '../limits/index.ts';
import type { GatewayServer } from '../socket-gateway.ts';
import type { ArenaService, ArenaTurnJobs } from './arena-service.ts';
import type { ArenaBattle } from './battle-store.ts';

type ArenaNamespace = Namespace<ArenaClientToServerEvents, ArenaServerToClientEvents>;
type ArenaSocket = Socket<ArenaClientToServerEvents, ArenaServerToClientEvents>;

/** A connection follows at most this many anonymous answers at once. */
const MAX_SUBSCRIPTIONS_PER_SOCKET = 32;

export interface ArenaGatewayDeps {
  arena: ArenaService;
  relay: FrameRelay;
  /** Per-client limits on battles, questions and votes; null: none. */
  limits: ClientLimits | null;
  /** Notes the answers a client stopped following, so its queued ones are cancelled; null: never. */
  departed?: DepartedClients | null;
  logger: Logger;
}

interface Target {
  battle: ArenaBattle;
  turn: number;
  attempt: number;
  side: ArenaSide;
}

/**
 * The arena's socket.io namespace. Frames of a battle's jobs go out as ArenaFrames: battle id,
 * turn, attempt, side and text only. Worker ids, job ids, token counts and timings stay on the
 * server, and an error message has the battle's model names replaced, so nothing names a model
 * before the vote.
 */
export function attachArenaGateway(io: GatewayServer, deps: ArenaGatewayDeps): ArenaNamespace {
  // The main namespace is typed with the chat events; this one has the arena's own.
  const namespace = io.of(ARENA_NAMESPACE) as unknown as ArenaNamespace;
  namespace.on('connection', (socket: ArenaSocket) => {
    const logger = deps.logger.child({ socketId: socket.id, namespace: ARENA_NAMESPACE });
    const client: ClientIdentity = {
      ip: clientIp(socket.handshake.address, socket.handshake.headers['x-forwarded-for']),
      session: sessionOf((socket.handshake.auth as Record<string, unknown> | undefined)?.session),
    };
    const subscriptions = new Map<string, FrameSubscription>();

    const follow = (meta: JobMeta, target: Target, afterSeq: number): void => {
      const previous = subscriptions.get(meta.jobId);
      if (previous) deps.relay.unsubscribe(previous);
      const subscription = deps.relay.subscribe(meta, afterSeq, (frame) => {
        socket.emit('frame', anonymousFrame(frame, target));
        if (frame.type === 'end' || frame.type === 'error') subscriptions.delete(meta.jobId);
      });
      subscriptions.set(meta.jobId, subscription);
    };
    const followTurn = (jobs: ArenaTurnJobs): void => {
      jobs.metas.forEach((meta, i) => follow(meta, { battle: jobs.battle, turn: jobs.turn, attempt: jobs.attempt, side: ARENA_SIDES[i]! }, -1));
    };
    const unfollowBattle = (battle: ArenaBattle): void => {
      for (const turn of battle.turns) {
        for (const jobId of turn.jobs) {
          const subscription = subscriptions.get(jobId);
          if (subscription) deps.relay.unsubscribe(subscription);
          subscriptions.delete(jobId);
        }
      }
    };
    const roomFor = (extra: number): void => {
      if (subscriptions.size + extra > MAX_SUBSCRIPTIONS_PER_SOCKET) {
        throw new MgmError('BAD_REQUEST', `a connection can follow at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} answers at once`);
      }
    };
    const fail = (what: string, reply: (response: { ok: false; error: ApiError }) => void) => (error: unknown) => {
      if (!(error instanceof MgmError)) logger.error({ err: error }, `arena ${what} failed`);
      reply({ ok: false, error: toApiError(error) });
    };

    socket.on('disconnect', () => {
      for (const subscription of subscriptions.values()) deps.relay.unsubscribe(subscription);
      const waitedFor = [...subscriptions.keys()];
      subscriptions.clear();
      deps.departed?.left(waitedFor).catch((error: unknown) => logger.warn({ err: error }, 'could not note the answers of a departed arena client'));
    });

    socket.on('ask', (raw, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      (async () => {
        const parsed = arenaAskSchema.safeParse(raw);
        if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid question: ${describeZodError(parsed.error)}`);
        roomFor(2);
        if (!parsed.data.battleId) await deps.limits?.battle(client);
        await deps.limits?.request(client, []);
        const jobs = await deps.arena.ask(parsed.data);
        reply({ ok: true, battleId: jobs.battle.battleId, turn: jobs.turn, attempt: jobs.attempt });
        followTurn(jobs);
      })().catch(fail('ask', reply));
    });

    socket.on('regenerate', (raw, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      (async () => {
        const { battleId } = parseBattleRequest(raw);
        await deps.limits?.request(client, []);
        const jobs = await deps.arena.regenerate(battleId);
        unfollowBattle(jobs.battle);
        reply({ ok: true, battleId, turn: jobs.turn, attempt: jobs.attempt });
        followTurn(jobs);
      })().catch(fail('regenerate', reply));
    });

    socket.on('stop', (raw, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      (async () => {
        const { battleId } = parseBattleRequest(raw);
        const stopped = await deps.arena.stop(battleId);
        reply({ ok: true, battleId, turn: stopped.turn, attempt: stopped.attempt });
      })().catch(fail('stop', reply));
    });

    socket.on('resume', (raw, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      (async () => {
        const parsed = arenaResumeSchema.safeParse(raw);
        if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid resume: ${describeZodError(parsed.error)}`);
        const request = parsed.data;
        const { battle, meta } = await deps.arena.resumeTarget(request);
        if (!subscriptions.has(meta.jobId)) roomFor(1);
        await deps.departed?.returned(meta.jobId);
        reply({ ok: true });
        follow(meta, { battle, turn: request.turn, attempt: request.attempt, side: request.side }, request.afterSeq);
      })().catch(fail('resume', reply));
    });

    socket.on('vote', (raw, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      (async () => {
        const parsed = arenaVoteSchema.safeParse(raw);
        if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid vote: ${describeZodError(parsed.error)}`);
        await deps.limits?.vote(client);
        const { vote, reveal } = await deps.arena.vote(parsed.data.battleId, parsed.data.verdict);
        reply({ ok: true, vote, reveal });
      })().catch(fail('vote', reply));
    });
  });
  return namespace;
}

function parseBattleRequest(raw: unknown): { battleId: string } {
  const parsed = arenaBattleRequestSchema.safeParse(raw);
  if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid request: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** A job frame as the browser may see it during a blind battle. */
export function anonymousFrame(frame: StreamFrame, target: Target): ArenaFrame {
  const base = { battleId: target.battle.battleId, turn: target.turn, attempt: target.attempt, side: target.side, seq: frame.seq };
  switch (frame.type) {
    case 'start':
      return { ...base, type: 'start' };
    case 'delta':
      return { ...base, type: 'delta', text: frame.text };
    case 'end':
      return { ...base, type: 'end', finishReason: frame.finishReason, text: frame.text };
    case 'error':
      return { ...base, type: 'error', code: frame.code, message: withoutNames(frame.message, target.battle) };
  }
}

/** Replaces the battle's model ids and display names (longest first, any case) with "Model A" / "Model B". */
export function withoutNames(text: string, battle: ArenaBattle): string {
  const names = ARENA_SIDES.flatMap((side, i) => [
    { name: battle.models[i]!, label: `Model ${side.toUpperCase()}` },
    { name: battle.displayNames[i]!, label: `Model ${side.toUpperCase()}` },
  ])
    .filter(({ name }) => name.length > 0)
    .sort((x, y) => y.name.length - x.name.length);
  let result = text;
  for (const { name, label } of names) result = result.replace(new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), label);
  return result;
}
