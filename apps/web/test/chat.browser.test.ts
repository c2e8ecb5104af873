/**
 * The chat page in a real browser against the real stack (scripts/stack.ts): Redis with a key
 * prefix of its own, the controller, one worker (mgm-tiny by default) and the production web app, on free
 * ports. Uploads a shipped test image, asks its test-set question with greedy decoding, and
 * expects the test set's answer to stream in (a question that PyTorch's greedy reference answers
 * right, so a wrong answer is a fault of the serving path); then records a 👍 and finds it in
 * the feedback log.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBrowserStack } from './browser-stack.ts';
import { normalizeAnswer, pickModelAndRow, readTestSet, testImagePath } from './test-set.ts';

/**
 * WEB_TEST_MODEL / WEB_TEST_ROW choose the model and the test row; by default the first shipped
 * checkpoint with a question it answers right, text reading first.
 */
const { model: MODEL, row: ROW } = process.env.WEB_TEST_ROW
  ? { model: process.env.WEB_TEST_MODEL ?? 'mgm-tiny', row: readTestSet().find((candidate) => candidate.id === process.env.WEB_TEST_ROW) }
  : pickModelAndRow(process.env.WEB_TEST_MODEL ? [process.env.WEB_TEST_MODEL] : ['mgm-tiny', 'mgm-tiny-hd', 'llava-tiny']);

const browserStack = useBrowserStack({ name: 'chat', models: [`models/${MODEL}`] });

describe('chat page on the real stack', () => {
  it('streams the right answer to a test-set question about an uploaded test image, and records a vote', async () => {
    const { stack, webUrl, dataDir, newPage } = browserStack();
    expect(stack.workers.map((worker) => path.basename(worker.checkpoint)), `skipped: ${JSON.stringify(stack.skipped)}`).toEqual([MODEL]);
    const row = ROW;
    if (!row) throw new Error(`no test row ${process.env.WEB_TEST_ROW}`);
    expect(row.history).toEqual([]);

    const page = await newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    let deltaFrames = 0;
    page.on('websocket', (socket) => {
      socket.on('framereceived', ({ payload }) => {
        if (typeof payload === 'string' && payload.includes('"frame"') && payload.includes('"type":"delta"')) deltaFrames += 1;
      });
    });

    await page.goto(webUrl, { waitUntil: 'domcontentloaded', timeout: 120_000 });
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
    // tokens/s only from 8 generated tokens on (apps/web/src/lib/answer-figures.ts): below that it is noise.
    const tokens = Number(/tokens\s+(\d+)/.exec(metrics)?.[1]);
    expect(tokens).toBeGreaterThan(0);
    if (tokens >= 8) expect(metrics).toContain('tok/s');
    else expect(metrics).not.toContain('tok/s');

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
