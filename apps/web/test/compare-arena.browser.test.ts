/**
 * Compare, arena and leaderboard in a real browser against the real stack (scripts/stack.ts):
 * Redis with a key prefix of its own, the controller, a worker for each of the three shipped
 * checkpoints and the production web app. The tiny checkpoints are weak, so nothing here depends
 * on an answer being right: it checks streaming, metrics, votes, hidden then revealed names,
 * and the leaderboard built from the recorded votes.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserStack } from './browser-stack.ts';
import { readTestSet, testImagePath } from './test-set.ts';

const MODELS = ['mgm-tiny', 'mgm-tiny-hd', 'llava-tiny'];
/** Everything that would give a hidden model away: ids and display names. */
const NAMES = ['mgm-tiny', 'llava', 'mgm-tiny-hd'];
const ROW = readTestSet().find((row) => row.type === 'text' && row.history.length === 0);
/** A question whose answers are a sentence long: long enough to be seen streaming, with a speed. */
const DESCRIBE = readTestSet().find((row) => row.type === 'description' && row.history.length === 0);
/** Fewer generated tokens than this and the page shows no tokens/s (apps/web/src/lib/answer-figures.ts). */
const MIN_TOKENS_FOR_SPEED = 8;

const browserStack = useBrowserStack({
  name: 'compare',
  models: MODELS.map((model) => `models/${model}`),
  timeoutMs: 300_000,
  hookTimeoutMs: 900_000,
});
let revealed: { winner: string; loser: string } | undefined;

interface Watched {
  page: Page;
  errors: string[];
  /** Socket.io payloads received, in order. */
  received: string[];
}

async function open(url: string, options: { connects?: boolean } = {}): Promise<Watched> {
  const page = await browserStack().newPage();
  const watched: Watched = { page, errors: [], received: [] };
  page.on('pageerror', (error) => watched.errors.push(error.message));
  page.on('websocket', (socket) => {
    socket.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string') watched.received.push(payload);
    });
  });
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  if (options.connects !== false) await page.locator('[data-testid="connection-status"][data-connected="true"]').waitFor({ timeout: 60_000 });
  return watched;
}

async function readVotes(): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path.join(browserStack().dataDir, 'votes.jsonl'), 'utf8');
  return text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

const finished = '[data-status="done"], [data-status="stopped"], [data-status="error"]';

describe('compare, arena and leaderboard on the real stack', () => {
  it('compares three checkpoints: three streamed answers with live then final metrics, a recorded vote, a link that reproduces the setup', async () => {
    const { stack, webUrl } = browserStack();
    expect(stack.workers.map((worker) => path.basename(worker.checkpoint)), `skipped: ${JSON.stringify(stack.skipped)}`).toEqual(MODELS);
    if (!DESCRIBE) throw new Error('no description test row');
    const ROW = DESCRIBE;
    const { page, errors, received } = await open(`${webUrl}/compare?models=${MODELS.join(',')}&temperature=0`);
    // Every figure row the page shows while an answer still streams.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { liveMetrics: string[] }).liveMetrics = seen;
      new MutationObserver(() => {
        for (const element of document.querySelectorAll('[data-testid="compare-answer"][data-status="streaming"] [data-testid="answer-metrics"][data-live="true"]')) {
          seen.push((element as HTMLElement).innerText);
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });

    const selects = page.getByTestId('compare-model-select');
    await expect.poll(() => selects.count(), { timeout: 30_000 }).toBe(3);
    expect(await selects.evaluateAll((elements) => elements.map((element) => (element as HTMLSelectElement).value))).toEqual(MODELS);

    await page.getByTestId('image-input').setInputFiles(testImagePath(ROW));
    await page.getByTestId('image-preview').waitFor();
    await page.getByTestId('composer-input').fill(ROW.question);
    const send = page.getByTestId('send-button');
    await expect.poll(() => send.isEnabled(), { timeout: 30_000 }).toBe(true);
    await send.click();

    const answers = page.getByTestId('compare-answer');
    await expect.poll(() => answers.count(), { timeout: 30_000 }).toBe(3);
    await expect.poll(() => page.locator(`[data-testid="compare-answer"]:is(${finished})`).count(), { timeout: 180_000 }).toBe(3);
    for (const [index, model] of MODELS.entries()) {
      const answer = answers.nth(index);
      expect(await answer.getAttribute('data-model')).toBe(model);
      expect(await answer.getAttribute('data-letter')).toBe('ABC'[index]);
      expect(await answer.getAttribute('data-status'), await answer.innerText()).toBe('done');
      expect((await answer.getByTestId('answer-text').innerText()).trim()).not.toBe('');
      const metrics = await answer.getByTestId('answer-metrics').innerText();
      for (const figure of ['TTFT', 'tokens', 'total', 'end', 'worker']) expect(metrics).toContain(figure);
      // the worker as an opaque label: clients never see hosts or pids
      expect(metrics).toMatch(/worker\s+w-[0-9a-f]{10}/);
      // tokens/s only where it means something.
      const tokens = Number(/tokens\s+(\d+)/.exec(metrics)?.[1]);
      if (tokens >= MIN_TOKENS_FOR_SPEED) expect(metrics).toContain('tok/s');
      else expect(metrics).not.toContain('tok/s');
    }
    // The figures were there while the answers streamed, not only at the end.
    const live = await page.evaluate(() => (window as unknown as { liveMetrics: string[] }).liveMetrics);
    expect(live.some((text) => text.includes('TTFT') && /tokens\s+\d+/.test(text)), JSON.stringify(live.slice(-5))).toBe(true);
    // Long model names are shown whole.
    for (const title of await answers.getByTestId('answer-title').all()) {
      expect(await title.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
    }
    // Each answer came as delta frames of its own job.
    const streamedJobs = new Set(received.filter((p) => p.includes('"frame"') && p.includes('"type":"delta"')).map((p) => /"jobId":"([^"]+)"/.exec(p)?.[1]));
    expect(streamedJobs.size).toBe(3);

    await page.getByTestId('vote-pane-1').click();
    await page.getByTestId('vote-recorded').waitFor({ timeout: 15_000 });
    const [vote] = await readVotes();
    expect(vote).toMatchObject({ mode: 'compare', blind: false, counted: false, choice: { type: 'pane', pane: 1 }, turns: 1 });
    const panes = vote!.panes as Array<Record<string, unknown>>;
    expect(panes.map((pane) => [pane.label, pane.model])).toEqual([
      ['A', MODELS[0]],
      ['B', MODELS[1]],
      ['C', MODELS[2]],
    ]);
    for (const pane of panes) {
      expect(pane).toMatchObject({ imageHash: expect.stringMatching(/^[0-9a-f]{64}$/), params: { temperature: 0 }, finishReason: 'stop' });
      expect(pane.messages).toEqual([{ role: 'user', content: ROW.question }]);
      expect(typeof pane.answer).toBe('string');
      expect(pane.timingsMs).toMatchObject({ ttft: expect.any(Number) });
    }

    await page.getByTestId('share-link').click();
    const link = page.url();
    expect(link).toMatch(/image=[0-9a-f]{64}/);
    const again = await open(link);
    await again.page.getByTestId('image-preview').waitFor({ timeout: 30_000 });
    expect(await again.page.getByTestId('composer-input').inputValue()).toBe(ROW.question);
    await expect.poll(() => again.page.getByTestId('compare-model-select').count(), { timeout: 30_000 }).toBe(3);
    expect(await again.page.getByTestId('compare-model-select').evaluateAll((elements) => elements.map((element) => (element as HTMLSelectElement).value))).toEqual(MODELS);
    await again.page.close();

    expect(errors).toEqual([]);
    await page.close();
  }, 400_000);

  it('runs an arena round: names hidden until the vote, then revealed', async () => {
    if (!ROW) throw new Error('no text-reading test row');
    const { page, errors, received } = await open(`${browserStack().webUrl}/arena`);

    await page.getByTestId('image-input').setInputFiles(testImagePath(ROW));
    await page.getByTestId('image-preview').waitFor();
    await page.getByTestId('composer-input').fill(ROW.question);
    const send = page.getByTestId('send-button');
    await expect.poll(() => send.isEnabled(), { timeout: 30_000 }).toBe(true);
    await send.click();

    const answers = page.getByTestId('arena-answer');
    await expect.poll(() => answers.count(), { timeout: 30_000 }).toBe(2);
    await expect.poll(() => page.locator(`[data-testid="arena-answer"]:is(${finished})`).count(), { timeout: 180_000 }).toBe(2);
    expect(await answers.nth(0).getAttribute('data-status')).toBe('done');
    expect(await answers.nth(1).getAttribute('data-status')).toBe('done');
    expect(await answers.nth(0).getByTestId('answer-title').innerText()).toBe('Model A');
    expect(await answers.nth(1).getByTestId('answer-title').innerText()).toBe('Model B');
    expect(received.some((payload) => payload.includes('"type":"delta"'))).toBe(true);

    // Before the vote, no timing (mgm-tiny-hd's slowness would name it) and no name.
    for (const side of [0, 1]) {
      expect(await answers.nth(side).getByTestId('answer-metrics').getAttribute('data-hidden')).toBe('true');
    }
    const before = (await page.locator('body').innerText()).toLowerCase();
    expect(before).not.toMatch(/\d\s*ms\b|tok\/s|\btook\b|ttft/);
    const wire = received.join('\n').toLowerCase();
    for (const name of NAMES) {
      expect(before).not.toContain(name);
      expect(wire).not.toContain(name);
    }

    await page.getByTestId('vote-a').click();
    await page.getByTestId('arena-reveal').waitFor({ timeout: 15_000 });
    const a = await page.getByTestId('reveal-a').innerText();
    const b = await page.getByTestId('reveal-b').innerText();
    expect(MODELS).toContain(a);
    expect(MODELS).toContain(b);
    expect(a).not.toBe(b);
    expect(await answers.nth(0).getByTestId('answer-title').innerText()).not.toBe('Model A');
    // After the vote, the figures.
    expect(await answers.nth(0).getByTestId('answer-metrics').innerText()).toContain('TTFT');
    revealed = { winner: a, loser: b };

    const votes = await readVotes();
    expect(votes).toHaveLength(2);
    expect(votes[1]).toMatchObject({ mode: 'arena', blind: true, counted: true, choice: { type: 'pane', pane: 0 } });
    expect((votes[1]!.panes as Array<{ model: string }>).map((pane) => pane.model)).toEqual([a, b]);
    expect(errors).toEqual([]);
    await page.close();
  }, 400_000);

  it('shows the recorded votes on the leaderboard', async () => {
    if (!revealed) throw new Error('the arena round did not run');
    // The leaderboard opens no socket: wait for its table.
    const { page, errors } = await open(`${browserStack().webUrl}/leaderboard`, { connects: false });
    await page.getByTestId('leaderboard-table').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('counted-votes').innerText()).toBe('1');
    expect(await page.getByTestId('named-votes').innerText()).toBe('1');
    const rows = page.getByTestId('leaderboard-row');
    expect(await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-model')))).toEqual([revealed.winner, revealed.loser]);
    const winner = rows.nth(0);
    const loser = rows.nth(1);
    expect(await winner.getByTestId('votes').innerText()).toBe('1');
    expect(await loser.getByTestId('votes').innerText()).toBe('1');
    expect(Number(await winner.getByTestId('rating').innerText())).toBeGreaterThan(Number(await loser.getByTestId('rating').innerText()));
    // One vote each: preliminary ratings, shown with their interval as an interval, under display names.
    expect(await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-preliminary')))).toEqual(['true', 'true']);
    await page.getByTestId('preliminary-note').waitFor();
    expect(await winner.getByTestId('interval').innerText()).toMatch(/^\d+ – \d+$/);
    const models = (await (await fetch(`${browserStack().webUrl}/api/models`)).json()) as { models: Array<{ id: string; displayName: string }> };
    const displayName = models.models.find((model) => model.id === revealed!.winner)!.displayName;
    await expect.poll(() => winner.getByTestId('model-name').innerText()).toBe(displayName);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
