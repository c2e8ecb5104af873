import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { redisKeys } from '@mgm/protocol';
import { silentLogger } from '@mgm/worker/testing';
import { ImageKernels, normalizeUpload } from '@mgm/vision';
import { createController, type Controller, type ControllerOptions } from '../src/controller.ts';
import { connectRedis, redisReady } from '../src/redis-connection.ts';
import { startPrivateRedis, type PrivateRedis } from './private-redis.ts';

export interface PrivateRedisController {
  server: PrivateRedis;
  controller: Controller;
  url: string;
  /** Closes the controller and its connections, then stops the redis-server. */
  close: () => Promise<void>;
}

/**
 * A controller wired as main.ts wires it (fail-fast command connections) on a redis-server of its
 * own, which the test may stop, restart or stall without touching anyone else's keys.
 */
export async function startPrivateRedisController(prefix: string, extra: Partial<ControllerOptions> = {}): Promise<PrivateRedisController> {
  const server = await startPrivateRedis();
  const connections: Redis[] = [];
  const redis = connectRedis(server.url, 'controller', silentLogger, 'commands');
  connections.push(redis);
  await redisReady(redis);
  const kernels = new ImageKernels();
  const controller = await createController({
    redis,
    connect: (role, kind) => {
      const c = connectRedis(server.url, role, silentLogger, kind);
      connections.push(c);
      return c;
    },
    keys: redisKeys(prefix),
    logger: silentLogger,
    normalizeUpload: (bytes) => normalizeUpload(bytes, { maxBytes: 1024 * 1024 }, kernels),
    dataDir: await mkdtemp(path.join(tmpdir(), `mgm-${prefix}-`)),
    imageTtlSeconds: 120,
    maxUploadBytes: 1024 * 1024,
    jobTtlSeconds: 120,
    watchdogIntervalMs: 300,
    ...extra,
  });
  const url = `http://127.0.0.1:${await controller.listen(0, '127.0.0.1')}`;
  return {
    server,
    controller,
    url,
    close: async () => {
      await controller.close();
      await new Promise<void>((resolve) => controller.http.close(() => resolve()));
      connections.forEach((c) => c.disconnect());
      await server.kill();
    },
  };
}
