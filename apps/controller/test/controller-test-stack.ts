import type { Redis } from 'ioredis';
import type { RedisKeys } from '@mgm/protocol';
import { connect, testNamespace, type TestWorker } from '@mgm/worker/testing';
import type { SpawnedWorker } from './spawn-fake-worker.ts';
import { type ClientSocket, type TestController, type TestControllerOptions, startTestController } from './test-controller.ts';

/** A controller on a key namespace of its own, with a Redis client for the test's own reads and writes. */
export interface ControllerTestStack {
  redis: Redis;
  keys: RedisKeys;
  prefix: string;
  ctl: TestController;
  cleanup: (redis: Redis) => Promise<void>;
}

/** What a test started beside the stack, ended before it: client sockets, worker processes (SIGKILL), in-process workers. */
export interface StartedByTest {
  sockets?: ClientSocket[];
  spawned?: SpawnedWorker[];
  workers?: TestWorker[];
}

export async function startControllerTestStack(label: string, options: TestControllerOptions = {}): Promise<ControllerTestStack> {
  const redis = connect();
  const { keys, prefix, cleanup } = testNamespace(label);
  const ctl = await startTestController(keys, options);
  return { redis, keys, prefix, ctl, cleanup };
}

/** Ends what the test started (the arrays are emptied), then the controller, its keys and the Redis client. */
export async function stopControllerTestStack(stack: ControllerTestStack | undefined, started: StartedByTest = {}): Promise<void> {
  for (const socket of started.sockets?.splice(0) ?? []) socket.disconnect();
  for (const child of started.spawned?.splice(0) ?? []) {
    child.kill('SIGKILL');
    await child.exited;
  }
  await Promise.all((started.workers?.splice(0) ?? []).map((w) => w.close()));
  if (!stack) return;
  await stack.ctl.close();
  await stack.cleanup(stack.redis);
  await stack.redis.quit();
}
