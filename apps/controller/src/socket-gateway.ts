import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Server, Socket } from 'socket.io';
import {
  MgmError,
  describeZodError,
  generateRequestSchema,
  resumeRequestSchema,
  stopRequestSchema,
  toApiError,
  type ClientToServerEvents,
  type GenerateAck,
  type GenerateRequest,
  type JobMeta,
  type RedisKeys,
  type ResumeAck,
  type ServerToClientEvents,
  type StopAck,
} from '@mgm/protocol';
import type { DepartedClients } from './departed-clients.ts';
import type { FrameRelay, FrameSubscription } from './frame-relay.ts';
import type { JobDispatcher } from './job-dispatcher.ts';
import { assertPromptFits } from './prompt-admission.ts';
import { clientIp, sessionOf, type ClientIdentity, type ClientLimits } from './limits/index.ts';
import type { WorkerLabels } from './worker-labels.ts';
import type { WorkerRegistry } from './worker-registry.ts';

export type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents>;
type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** A socket may follow at most this many jobs at once (a compare of 4 models, many times over). */
const MAX_SUBSCRIPTIONS_PER_SOCKET = 64;

export interface SocketGatewayDeps {
  redis: Redis;
  keys: RedisKeys;
  registry: WorkerRegistry;
  dispatcher: JobDispatcher;
  relay: FrameRelay;
  /** Clients see opaque worker labels, never worker ids (they hold host names and pids). */
  labels: WorkerLabels;
  /** Per-client limits; null: none. */
  limits: ClientLimits | null;
  /** Notes the answers a closed connection still waited for (their queued jobs go after a grace); null: kept. */
  departed?: DepartedClients | null;
  logger: Logger;
}

/**
 * The socket.io side of the controller: `generate` validates and enqueues one job per model,
 * `resume` replays a job's frames after a seq and continues live, `stop` cancels. Every failure
 * is an ack with a code and a message; nothing is left hanging.
 */
export function attachSocketGateway(io: GatewayServer, deps: SocketGatewayDeps): void {
  io.on('connection', (socket: GatewaySocket) => {
    const logger = deps.logger.child({ socketId: socket.id });
    const client: ClientIdentity = {
      ip: clientIp(socket.handshake.address, socket.handshake.headers['x-forwarded-for']),
      session: sessionOf((socket.handshake.auth as Record<string, unknown> | undefined)?.session),
    };
    const subscriptions = new Map<string, FrameSubscription>();

    const follow = (meta: JobMeta, afterSeq: number): void => {
      const previous = subscriptions.get(meta.jobId);
      if (previous) deps.relay.unsubscribe(previous);
      const subscription = deps.relay.subscribe(meta, afterSeq, (frame) => {
        socket.emit('frame', { ...deps.labels.publicFrame(frame), requestId: meta.requestId, model: meta.model });
        if (frame.type === 'end' || frame.type === 'error') subscriptions.delete(meta.jobId);
      });
      subscriptions.set(meta.jobId, subscription);
    };

    socket.on('disconnect', () => {
      for (const subscription of subscriptions.values()) deps.relay.unsubscribe(subscription);
      const waitedFor = [...subscriptions.keys()];
      subscriptions.clear();
      deps.departed?.left(waitedFor).catch((error: unknown) => logger.warn({ err: error }, 'could not note the answers of a departed client'));
    });

    socket.on('generate', (raw, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      handleGenerate(deps, raw, subscriptions.size, client)
        .then(({ response, metas }) => {
          reply(response);
          for (const meta of metas) follow(meta, -1);
        })
        .catch((error: unknown) => {
          if (!(error instanceof MgmError)) logger.error({ err: error }, 'generate failed');
          reply({ ok: false, error: toApiError(error) });
        });
    });

    socket.on('resume', (raw, ack) => {
      const reply: (r: ResumeAck) => void = typeof ack === 'function' ? ack : () => undefined;
      (async () => {
        const parsed = resumeRequestSchema.safeParse(raw);
        if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid resume: ${describeZodError(parsed.error)}`);
        const meta = await deps.dispatcher.meta(parsed.data.jobId);
        if (!meta) throw new MgmError('JOB_NOT_FOUND', 'that answer is no longer available (it expired or never existed)');
        if (!subscriptions.has(meta.jobId) && subscriptions.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
          throw new MgmError('BAD_REQUEST', `a connection can follow at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} answers at once`);
        }
        await Promise.all([deps.dispatcher.watch(meta.model), deps.departed?.returned(meta.jobId)]);
        reply({ ok: true, jobId: meta.jobId, requestId: meta.requestId, model: meta.model });
        follow(meta, parsed.data.afterSeq);
      })().catch((error: unknown) => {
        if (!(error instanceof MgmError)) logger.error({ err: error }, 'resume failed');
        reply({ ok: false, error: toApiError(error) });
      });
    });

    socket.on('stop', (raw, ack) => {
      const reply: (r: StopAck) => void = typeof ack === 'function' ? ack : () => undefined;
      (async () => {
        const parsed = stopRequestSchema.safeParse(raw);
        if (!parsed.success) throw new MgmError('BAD_REQUEST', 'stop needs {jobId} or {requestId}');
        const jobIds = 'jobId' in parsed.data ? [parsed.data.jobId] : await deps.dispatcher.jobsOfRequest(parsed.data.requestId);
        const metas = (await Promise.all(jobIds.map((id) => deps.dispatcher.meta(id)))).filter((m): m is JobMeta => m !== null);
        if (metas.length === 0) throw new MgmError('JOB_NOT_FOUND', 'nothing to stop: that answer is unknown or expired');
        await Promise.all(metas.map((meta) => deps.dispatcher.cancel(meta)));
        reply({ ok: true, jobIds: metas.map((m) => m.jobId) });
      })().catch((error: unknown) => {
        if (!(error instanceof MgmError)) logger.error({ err: error }, 'stop failed');
        reply({ ok: false, error: toApiError(error) });
      });
    });
  });
}

async function handleGenerate(
  deps: SocketGatewayDeps,
  raw: unknown,
  following: number,
  client: ClientIdentity,
): Promise<{ response: GenerateAck; metas: JobMeta[] }> {
  const parsed = generateRequestSchema.safeParse(raw);
  if (!parsed.success) throw new MgmError('BAD_REQUEST', `invalid request: ${describeZodError(parsed.error)}`);
  const request = parsed.data;
  if (following + request.models.length > MAX_SUBSCRIPTIONS_PER_SOCKET) {
    throw new MgmError('BAD_REQUEST', `a connection can follow at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} answers at once`);
  }

  const imageId = request.imageId ?? null;
  const jobIds = request.models.map(() => randomUUID());
  // The checks and the admission (limits) go to Redis together: one round trip less on the way
  // to the first token. A question the checks refuse gives back what the admission took.
  const [checked, admitted] = await Promise.allSettled([
    checkRequest(deps, request.models, request.messages, imageId),
    deps.limits ? deps.limits.request(client, jobIds) : Promise.resolve(),
  ]);
  if (checked.status === 'rejected') {
    await deps.limits?.refund(client, jobIds, admitted).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not give back the admission of a refused question'));
    throw checked.reason;
  }
  if (admitted.status === 'rejected') throw admitted.reason;

  const requestId = randomUUID();
  const enqueuedAt = Date.now();
  const metas: JobMeta[] = request.models.map((model, i) => ({ jobId: jobIds[i]!, requestId, model, enqueuedAt }));
  await Promise.all(
    metas.map((meta) =>
      deps.dispatcher.enqueue({ ...meta, messages: request.messages, imageId, imageMode: request.imageMode, params: request.params, explain: request.explain }),
    ),
  );
  return { response: { ok: true, requestId, jobs: metas.map(({ jobId, model }) => ({ jobId, model })) }, metas };
}

/** Refuses a question no worker can answer: unknown model, every worker busy loading, prompt too long, image expired. */
async function checkRequest(deps: SocketGatewayDeps, models: readonly string[], messages: GenerateRequest['messages'], imageId: string | null): Promise<void> {
  const [workers, imageStored] = await Promise.all([
    deps.registry.dispatchTargets(),
    imageId === null ? Promise.resolve(1) : deps.redis.exists(deps.keys.image(imageId)),
  ]);
  for (const model of models) {
    const hosting = workers.filter((w) => w.model === model);
    if (hosting.length === 0) {
      const live = [...new Set(workers.map((w) => w.model))];
      throw new MgmError(
        'MODEL_NOT_FOUND',
        `no worker serves the model "${model}"` + (live.length > 0 ? ` (available: ${live.join(', ')})` : ' (no model is being served right now)'),
      );
    }
    // A paused worker comes back on resume: its model's questions wait in the queue, as with a
    // paused queue. Only a model whose every worker is loading or draining is refused.
    if (!hosting.some((w) => w.state === 'ready' || w.state === 'paused')) {
      throw new MgmError('NO_WORKER', `every worker of "${model}" is ${hosting.map((w) => w.state).join(' or ')} right now; try again shortly`);
    }
    assertPromptFits(messages, imageId !== null, hosting, model);
  }
  if (imageStored === 0) {
    throw new MgmError('IMAGE_NOT_FOUND', 'the image is no longer stored (uploads expire): upload it again');
  }
}
