/**
 * The chat page in a real browser against the real stack (scripts/stack.ts): Redis with a key
 * prefix of its own, the controller, one worker (mgm-tiny by default) and the production web app, on free
 * ports. Uploads a shipped test image, asks its test-set question with greedy decoding, and
 * expects the test set's answer to stream in (a question that PyTorch's greedy reference answers
 * right, so a wrong answer is a fault of the serving path); then records a 👍 and finds it in
 * the feedback log.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../../scripts/stack.ts';
import { launchChromium } from './browser.ts';
import { deleteKeysWithPrefix } from './redis-cleanup.ts';
import { normalizeAnswer, pickModelAndRow, readTestSet, testImagePath } from './test-set.ts';

/**
 * WEB_TEST_MODEL / WEB_TEST_ROW choose the model and the test row; by default the first shipped
 * checkpoint with a question it answers right, text reading first.
 */
const { model: MODEL, row: ROW } = process.env.WEB_TEST_ROW
  ? { model: process.env.WEB_TEST_MODEL ?? 'mgm-tiny', row: readTestSet().find((candidate) => candidate.id === process.env.WEB_TEST_ROW) }
  : pickModelAndRow(process.env.WEB_TEST_MODEL ? [process.env.WEB_TEST_MODEL] : ['mgm-tiny', 'mgm-tiny-hd', 'llava-tiny']);

const prefix = `test-web-chat-${randomBytes(4).toString('hex')}`;
const log: string[] = [];
let dataDir = '';
let stack: Stack | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'mgm-web-test-'));
  try {
    stack = await startStack({
      redisPrefix: prefix,
      controllerPort: 0,
      webPort: 0,
      models: [`models/${MODEL}`],
      dataDir,
      output: (source, line) => log.push(`[${source}] ${line}`),
      timeoutMs: 240_000,
    });
  } catch (error) {
    throw new Error(`the stack did not start: ${String(error)}\n${log.slice(-40).join('\n')}`);
  }
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (stack && !stack.privateRedis) await deleteKeysWithPrefix(stack.redisUrl, prefix);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('chat page on the real stack', () => {
  it('streams the right answer to a test-set question about an uploaded test image, and records a vote', async () => {
    expect(stack?.workers.map((worker) => path.basename(worker.checkpoint)), `skipped: ${JSON.stringify(stack?.skipped)}`).toEqual([MODEL]);
    const row = ROW;
    if (!row || !stack?.webUrl || !browser) throw new Error(`no test row ${process.env.WEB_TEST_ROW}, or the stack has no web app`);
    expect(row.history).toEqual([]);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    let deltaFrames = 0;
    page.on('websocket', (socket) => {
      socket.on('framereceived', ({ payload }) => {
        if (typeof payload === 'string' && payload.includes('"frame"') && payload.includes('"type":"delta"')) deltaFrames += 1;
      });
    });

    await page.goto(stack.webUrl, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.locator('[data-testid="connection-status"][data-connected="true"]').waitFor({ timeout: 60_000 });
    await page.locator(`[data-testid="model-select"] option[value="${MODEL}"]`).waitFor({ state: 'attached', timeout: 60_000 });
    await page.getByTestId('model-select').selectOption(MODEL);
    await page.getByLabel('Temperature').fill('0');

    await page.getByTestId('image-input').setInputFiles(testImagePath(row));
    await page.getByTestId('image-preview').waitFor();
    await page.getByTestId('composer-input').fill(row.question);
    const send = page.getByTestId('send-button');
    await expect.poll(() => send.isEnabled(), { timeout: 30_000 }).toBe(true);
    await send.click();

    const answer = page.getByTestId('assistant-answer').last();
    await page
      .locator('[data-testid="assistant-answer"][data-status="done"], [data-testid="assistant-answer"][data-status="error"]')
      .waitFor({ timeout: 120_000 });
    const problem = (await answer.getByTestId('answer-error').count()) > 0 ? await answer.getByTestId('answer-error').innerText() : '';
    expect(problem).toBe('');
    expect(await answer.getAttribute('data-status')).toBe('done');

    const text = await answer.getByTestId('answer-text').innerText();
    expect(normalizeAnswer(text)).toBe(normalizeAnswer(row.answer));
    expect(deltaFrames, 'the answer arrived as streamed delta frames').toBeGreaterThan(0);
    const metrics = await answer.getByTestId('answer-metrics').innerText();
    expect(metrics).toContain('TTFT');
    expect(metrics).toContain('tok/s');

    await answer.getByRole('button', { name: 'Good answer' }).click();
    await answer.getByText('Thanks, recorded').waitFor({ timeout: 10_000 });
    const records = (await readFile(path.join(dataDir, 'feedback.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: 'upvote', model: MODEL, imageMode: 'default', params: { temperature: 0 } });
    expect(records[0]?.imageHash).toMatch(/^[0-9a-f]{64}$/);
    expect(records[0]?.conversation).toEqual([
      { role: 'user', content: row.question },
      { role: 'assistant', content: expect.stringMatching(new RegExp(row.answer, 'i')) },
    ]);

    expect(pageErrors).toEqual([]);
    await page.close();
  }, 300_000);
});
