import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { ImageKernels, normalizeUpload } from '@mgm/vision';
import type { ClientFrame, ClientToServerEvents, RedisKeys, ServerToClientEvents } from '@mgm/protocol';
import { connect, silentLogger } from '@mgm/worker/testing';
import type { AdminOptions } from '../src/admin/admin-setup.ts';
import { ImagePool } from '../src/image-pool.ts';
import { createController, type Controller } from '../src/controller.ts';
import type { OpenAiApiOptions } from '../src/openai/openai-api.ts';
import type { EvaluationOptions } from '../src/evaluation/evaluation-setup.ts';
import type { LimitsConfig } from '../src/limits/index.ts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestController {
  controller: Controller;
  url: string;
  dataDir: string;
  close: () => Promise<void>;
}

const kernels = new ImageKernels();

export interface TestControllerOptions {
  maxUploadBytes?: number;
  watchdogIntervalMs?: number;
  dataDir?: string;
  arenaWeights?: Record<string, number>;
  admin?: AdminOptions;
  openai?: OpenAiApiOptions;
  evaluation?: EvaluationOptions;
  limits?: LimitsConfig;
  /** Normalise uploads in an image pool of this many threads, as main.ts does (default: on the event loop). */
  imageThreads?: number;
  imageQueue?: number;
}

export async function startTestController(keys: RedisKeys, options: TestControllerOptions = {}): Promise<TestController> {
  const redis: Redis = connect();
  const connections: Redis[] = [redis];
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'mgm-controller-test-')));
  const maxUploadBytes = options.maxUploadBytes ?? 4 * 1024 * 1024;
  const pool = options.imageThreads
    ? new ImagePool({ threads: options.imageThreads, maxQueue: options.imageQueue ?? 8, limits: { maxBytes: maxUploadBytes }, logger: silentLogger })
    : null;
  const controller = await createController({
    redis,
    connect: () => {
      const c = connect();
      connections.push(c);
      return c;
    },
    keys,
    logger: silentLogger,
    normalizeUpload: pool ? (bytes, opts) => pool.normalize(bytes, opts) : (bytes) => normalizeUpload(bytes, { maxBytes: maxUploadBytes }, kernels),
    dataDir,
    imageTtlSeconds: 120,
    maxUploadBytes,
    jobTtlSeconds: 120,
    watchdogIntervalMs: options.watchdogIntervalMs ?? 300,
    arenaWeights: options.arenaWeights,
    admin: options.admin,
    openai: options.openai,
    evaluation: options.evaluation,
    limits: options.limits,
  });
  const port = await controller.listen(0, '127.0.0.1');
  return {
    controller,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    close: async () => {
      await controller.close();
      await pool?.close();
      await new Promise<void>((resolve) => controller.http.close(() => resolve()));
      await Promise.all(connections.map((c) => c.quit().catch(() => undefined)));
    },
  };
}

export async function openClient(url: string): Promise<ClientSocket> {
  const socket: ClientSocket = connectSocket(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Collects the frames of the given jobs until each has its terminal frame. */
export function framesUntilEnd(socket: ClientSocket, jobIds: string[], timeoutMs = 15_000): Promise<Map<string, ClientFrame[]>> {
  const frames = new Map<string, ClientFrame[]>(jobIds.map((id) => [id, []]));
  const open = new Set(jobIds);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('frame', onFrame);
      reject(new Error(`frames did not end within ${timeoutMs} ms: ${JSON.stringify(Object.fromEntries([...frames].map(([k, v]) => [k, v.map((f) => f.type)])))}`));
    }, timeoutMs);
    const onFrame = (frame: ClientFrame) => {
      const list = frames.get(frame.jobId);
      if (!list) return;
      list.push(frame);
      if (frame.type === 'end' || frame.type === 'error') open.delete(frame.jobId);
      if (open.size === 0) {
        clearTimeout(timer);
        socket.off('frame', onFrame);
        resolve(frames);
      }
    };
    socket.on('frame', onFrame);
  });
}

export function textOf(frames: ClientFrame[]): string {
  let text = '';
  for (const frame of frames) {
    if (frame.type === 'start') text = '';
    if (frame.type === 'delta') text += frame.text;
  }
  return text;
}
