import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startStack, type Stack, type StackOptions } from '../../../scripts/stack.ts';
import { launchChromium } from './browser.ts';
import { deleteKeysWithPrefix } from './redis-cleanup.ts';

export interface BrowserStackOptions extends Pick<StackOptions, 'models' | 'workerThreads' | 'env' | 'adminToken'> {
  /** Names the Redis key prefix (`test-web-<name>-<random>`) and the temporary data dir. */
  name: string;
  /** How long to wait for each part of the stack to come up (default 240 s). */
  timeoutMs?: number;
}

export interface BrowserStack {
  stack: Stack;
  /** The web app's URL (the stack always runs one here). */
  webUrl: string;
  browser: Browser;
  /** The controller's data dir (feedback.jsonl, votes.jsonl), removed by `close`. */
  dataDir: string;
  /** Output lines of the stack's processes. */
  log: string[];
  newPage: (viewport?: { width: number; height: number }) => Promise<Page>;
  /** Closes the browser, stops the stack, deletes its Redis keys and its data dir. */
  close: () => Promise<void>;
}

/**
 * The real stack (scripts/stack.ts: Redis under a key prefix of its own, the controller, the
 * workers, the production web app, on free ports) and headless chromium. Whatever started is
 * cleaned up again when starting fails.
 */
export async function startBrowserStack(options: BrowserStackOptions): Promise<BrowserStack> {
  const prefix = `test-web-${options.name}-${randomBytes(4).toString('hex')}`;
  const log: string[] = [];
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `mgm-web-${options.name}-`));
  let stack: Stack | undefined;
  let browser: Browser | undefined;

  const close = async () => {
    await browser?.close();
    await stack?.stop();
    if (stack && !stack.privateRedis) await deleteKeysWithPrefix(stack.redisUrl, prefix);
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    try {
      stack = await startStack({
        redisPrefix: prefix,
        controllerPort: 0,
        webPort: 0,
        models: options.models,
        workerThreads: options.workerThreads,
        env: options.env,
        adminToken: options.adminToken,
        dataDir,
        output: (source, line) => log.push(`[${source}] ${line}`),
        timeoutMs: options.timeoutMs ?? 240_000,
      });
    } catch (error) {
      throw new Error(`the stack did not start: ${String(error)}\n${log.slice(-40).join('\n')}`);
    }
    const webUrl = stack.webUrl;
    if (!webUrl) throw new Error('the stack started without its web app');
    browser = await launchChromium();
    const started = browser;
    return {
      stack,
      webUrl,
      browser: started,
      dataDir,
      log,
      newPage: (viewport = { width: 1280, height: 800 }) => started.newPage({ viewport }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Starts a browser stack before the file's tests and closes it after them. The returned function
 * gives the running stack (it throws when starting failed, so each test fails with that cause).
 */
export function useBrowserStack(options: BrowserStackOptions & { hookTimeoutMs?: number }): () => BrowserStack {
  let running: BrowserStack | undefined;
  beforeAll(async () => {
    running = await startBrowserStack(options);
  }, options.hookTimeoutMs ?? 600_000);
  afterAll(async () => {
    await running?.close();
  }, 60_000);
  return () => {
    if (!running) throw new Error('the browser stack is not running (see the error of beforeAll)');
    return running;
  };
}
