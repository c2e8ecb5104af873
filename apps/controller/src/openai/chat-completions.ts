import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MgmError, type EndFrame, type JobMeta, type RedisKeys, type TokenLogprob } from '@mgm/protocol';
import type { FrameRelay } from '../frame-relay.ts';
import { parseJson } from '../http-json.ts';
import type { JobDispatcher } from '../job-dispatcher.ts';
import { readBody } from '../read-body.ts';
import type { WorkerRegistry } from '../worker-registry.ts';
import {
  chatChunk,
  chatCompletion,
  choiceLogprobs,
  contentChoice,
  finishChoice,
  roleChoice,
  sseData,
  usageOf,
  type CompletionIdentity,
  type Usage,
} from './chat-completion-shapes.ts';
import { parseChatRequest, type ChatJobRequest } from './chat-request.ts';
import { FrameQueue } from './frame-queue.ts';
import { resolveImage, type ImageReferenceDeps } from './image-reference.ts';
import { fromCode, OpenAiError } from './openai-error.ts';

export interface ChatCompletionsDeps {
  redis: Redis;
  keys: RedisKeys;
  registry: WorkerRegistry;
  dispatcher: JobDispatcher;
  relay: FrameRelay;
  images: ImageReferenceDeps;
  logger: Logger;
  /** Largest JSON body (base64 images make it about 4/3 of the upload limit). */
  maxBodyBytes: number;
}

/** How a request went, for metrics and the key's token budget. */
export interface ChatOutcome {
  model: string | null;
  /** The HTTP status answered (499: the client left first). */
  status: number;
  usage: Usage | null;
}

/**
 * `POST /v1/chat/completions`: validates, enqueues the same BullMQ job as socket.io's
 * `generate`, follows the job's frames through the relay and translates them at the edge:
 * one JSON answer, or server-sent `chat.completion.chunk`s then `data: [DONE]`. A client that
 * closes the connection cancels the job (the worker stops within a token). Errors before the
 * first token answer with their HTTP status, also when streaming (headers wait for it).
 */
/** Called once the answer is known, before its last bytes go out (so a client's next request finds its slot free). */
export type BeforeLastBytes = (usage: Usage | null) => Promise<void>;

export async function handleChatCompletions(
  deps: ChatCompletionsDeps,
  req: IncomingMessage,
  res: ServerResponse,
  beforeLastBytes: BeforeLastBytes = async () => undefined,
): Promise<ChatOutcome> {
  const request = parseChatRequest(parseJson(await readBody(req, deps.maxBodyBytes)));
  await checkModel(deps, request.model);
  const imageId = request.image ? await resolveImage(deps.images, request.image) : null;

  const meta: JobMeta = { jobId: randomUUID(), requestId: randomUUID(), model: request.model, enqueuedAt: Date.now() };
  const logger = deps.logger.child({ jobId: meta.jobId, model: meta.model, user: request.user ?? undefined });
  const identity: CompletionIdentity = { id: `chatcmpl-${meta.jobId}`, created: Math.floor(meta.enqueuedAt / 1000), model: request.model };
  const frames = new FrameQueue();
  let cancelled = false;
  const onClose = () => {
    if (res.writableEnded) return;
    cancelled = true;
    frames.close();
    logger.info('client closed the connection: cancelling the job');
    void deps.dispatcher.cancel(meta).catch((error: unknown) => logger.warn({ err: error }, 'could not cancel the job'));
  };
  res.on('close', onClose);

  await deps.dispatcher.enqueue({
    ...meta,
    messages: request.messages,
    imageId,
    imageMode: request.imageMode,
    params: request.params,
    ...(request.system !== undefined ? { system: request.system } : {}),
  });
  const subscription = deps.relay.subscribe(meta, -1, (frame) => frames.push(frame));
  try {
    const outcome = request.stream
      ? await streamAnswer(res, frames, identity, request, beforeLastBytes)
      : await wholeAnswer(res, frames, identity, request.params.logprobs !== undefined, beforeLastBytes);
    return cancelled ? { model: request.model, status: 499, usage: outcome.usage } : outcome;
  } finally {
    deps.relay.unsubscribe(subscription);
    res.off('close', onClose);
  }
}

async function wholeAnswer(
  res: ServerResponse,
  frames: FrameQueue,
  identity: CompletionIdentity,
  wantLogprobs: boolean,
  beforeLastBytes: BeforeLastBytes,
): Promise<ChatOutcome> {
  let text = '';
  let logprobs: TokenLogprob[] | null = wantLogprobs ? [] : null;
  for await (const frame of frames) {
    if (frame.type === 'start') {
      text = '';
      logprobs = wantLogprobs ? [] : null;
    } else if (frame.type === 'delta') {
      text += frame.text;
      if (logprobs && frame.logprobs) logprobs.push(...frame.logprobs);
    } else if (frame.type === 'error') throw fromCode(frame.code, frame.message);
    else {
      const body = JSON.stringify(chatCompletion(identity, text, frame, choiceLogprobs(logprobs)));
      await beforeLastBytes(usageOf(frame));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
      res.end(body);
      return { model: identity.model, status: 200, usage: usageOf(frame) };
    }
  }
  return { model: identity.model, status: 499, usage: null };
}

async function streamAnswer(
  res: ServerResponse,
  frames: FrameQueue,
  identity: CompletionIdentity,
  request: ChatJobRequest,
  beforeLastBytes: BeforeLastBytes,
): Promise<ChatOutcome> {
  const { includeUsage } = request;
  let headersOut = false;
  let sentText = false;
  const open = () => {
    if (headersOut) return;
    headersOut = true;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(sseData(chatChunk(identity, [roleChoice()], includeUsage)));
  };
  const fail = async (error: OpenAiError) => {
    await beforeLastBytes(null);
    res.write(sseData(error.body()));
    res.end(sseData('[DONE]'));
  };
  for await (const frame of frames) {
    if (frame.type === 'start') {
      if (sentText) {
        // The worker died mid-answer and another one starts over: the text already sent cannot be taken back.
        await fail(fromCode('WORKER_FAILED', 'the worker answering this stopped mid-answer; please send the request again'));
        return { model: identity.model, status: 500, usage: null };
      }
      continue;
    }
    if (frame.type === 'error') {
      if (!headersOut) throw fromCode(frame.code, frame.message);
      await fail(fromCode(frame.code, frame.message));
      return { model: identity.model, status: fromCode(frame.code, '').status, usage: null };
    }
    open();
    if (frame.type === 'delta') {
      const logprobs = request.params.logprobs !== undefined ? choiceLogprobs(frame.logprobs ?? []) : null;
      res.write(sseData(chatChunk(identity, [contentChoice(frame.text, logprobs)], includeUsage)));
      sentText = true;
      continue;
    }
    await beforeLastBytes(usageOf(frame));
    finish(res, identity, frame, includeUsage);
    return { model: identity.model, status: 200, usage: usageOf(frame) };
  }
  return { model: identity.model, status: 499, usage: null };
}

function finish(res: ServerResponse, identity: CompletionIdentity, end: EndFrame, includeUsage: boolean): void {
  res.write(sseData(chatChunk(identity, [finishChoice(end.finishReason)], includeUsage)));
  if (includeUsage) res.write(sseData(chatChunk(identity, [], true, usageOf(end))));
  res.end(sseData('[DONE]'));
}

/** The model must have a live worker, and one of them must be ready (404 / 503 otherwise). */
async function checkModel(deps: ChatCompletionsDeps, model: string): Promise<void> {
  const workers = await deps.registry.dispatchTargets();
  const hosting = workers.filter((w) => w.model === model);
  if (hosting.length === 0) {
    const live = [...new Set(workers.map((w) => w.model))];
    const error = fromCode(
      'MODEL_NOT_FOUND',
      `The model \`${model}\` does not exist or no worker serves it` + (live.length > 0 ? ` (available: ${live.join(', ')})` : ' (no model is being served right now)'),
    );
    throw new OpenAiError(error.status, error.type, error.code, error.message, 'model');
  }
  if (!hosting.some((w) => w.state === 'ready')) {
    throw new MgmError('NO_WORKER', `every worker of "${model}" is ${hosting.map((w) => w.state).join(' or ')} right now; try again shortly`);
  }
}
