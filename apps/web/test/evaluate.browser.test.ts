/**
 * /evaluate in a real browser against the real stack (the three shipped checkpoints): an admin
 * logs in, starts a run on a sample of the shipped test set, watches it live, and reads the
 * results (table, chart, wrong answers with a link into /compare); a phone without a session
 * reads the same run by its link. With SCREENSHOT_DIR set, it writes the screenshots there.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { EvaluationSnapshot } from '@mgm/evaluation';
import { useBrowserStack } from './browser-stack.ts';

const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const SAMPLE = '45';
const browserStack = useBrowserStack({ name: 'evaluate', workerThreads: 1 });
const screenshotDir = process.env.SCREENSHOT_DIR ? path.resolve(process.env.SCREENSHOT_DIR) : null;

async function shoot(page: Page, name: string): Promise<void> {
  if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, name) });
}

async function scrollTo(page: Page, testId: string): Promise<void> {
  await page.getByTestId(testId).first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(200);
}

describe('/evaluate on the real stack', () => {
  it('starts a run as admin, shows it live, then its results; a link reads it without a session', async () => {
    const { stack, webUrl, newPage } = browserStack();
    const page = await newPage(LAPTOP);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    // Without a session: the page says to log in, and the API refuses to start a run.
    await page.goto(`${webUrl}/evaluate`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.getByTestId('evaluate-login').waitFor({ timeout: 30_000 });
    expect((await fetch(`${webUrl}/api/evaluations`, { method: 'POST', body: '{}' })).status).toBe(401);

    await page.goto(`${webUrl}/admin`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('admin-token-input').fill(stack.adminToken);
    await page.getByTestId('admin-login-button').click();
    await page.locator('[data-testid="admin-connection"][data-connected="true"]').waitFor({ timeout: 60_000 });

    await page.goto(`${webUrl}/evaluate`, { waitUntil: 'domcontentloaded' });
    const form = page.getByTestId('start-run-form');
    await form.waitFor({ timeout: 30_000 });
    const models = stack.workers.map((w) => path.basename(w.checkpoint));
    for (const model of models) await form.getByTestId(`model-choice-${model}`).check({ timeout: 20_000 });
    await page.getByTestId('sample-size').fill(SAMPLE);
    await page.getByTestId('start-run').click();
    await page.waitForURL(/\/evaluate\/[0-9a-f-]{36}$/, { timeout: 20_000 });
    const runUrl = page.url();
    const runId = runUrl.split('/').at(-1)!;

    // Live: every model has a card; answers arrive while the run goes.
    for (const model of models) await page.locator(`[data-testid="model-card"][data-model="${model}"]`).waitFor({ timeout: 20_000 });
    // Every model has a few answers (the live view is taken mid-run).
    const answered = async () => (await page.getByTestId('done').allTextContents()).map((t) => Number(/^\s*(\d+) \//.exec(t)?.[1] ?? 0));
    await expect.poll(async () => Math.min(...(await answered())), { timeout: 120_000 }).toBeGreaterThanOrEqual(5);
    expect(await page.getByTestId('run-status').textContent()).toBe('running');
    expect(await page.getByTestId('stop-run').isVisible()).toBe(true);
    await shoot(page, 'evaluate-live.png');

    // The share link on a phone, without a session: read-only (no stop), the same run.
    const phone = await newPage(PHONE);
    await phone.goto(runUrl, { waitUntil: 'domcontentloaded' });
    await phone.getByTestId('model-card').first().waitFor({ timeout: 20_000 });
    expect(await phone.getByTestId('stop-run').count()).toBe(0);
    if ((await phone.getByTestId('run-status').textContent()) === 'running') await shoot(phone, 'evaluate-live-phone.png');

    // Results: the status, the table and the chart say what the API says.
    await page.locator('[data-testid="run-status"]', { hasText: 'done' }).waitFor({ timeout: 300_000 });
    const snapshot = (await (await fetch(`${webUrl}/api/evaluations/${runId}?results=all`)).json()) as EvaluationSnapshot;
    expect(snapshot.run.status).toBe('done');
    for (const s of snapshot.summaries) {
      expect(s.done).toBe(Number(SAMPLE));
      await expect
        .poll(() => page.locator(`[data-testid="overall"][data-model="${s.model}"]`).textContent())
        .toContain(`${(s.score.overall * 100).toFixed(1)}%`);
    }
    expect(await page.locator('[data-testid="speed-accuracy-chart"] [data-testid="chart-point"]').count()).toBe(models.length);
    await shoot(page, 'evaluate-results.png');

    // Wrong answers: every question some model got wrong, with its image, reference and answers.
    const wrongQuestions = new Set(snapshot.results!.filter((r) => r.score < 1).map((r) => r.index));
    expect(wrongQuestions.size).toBeGreaterThan(0);
    await page.getByTestId('wrong-question').first().waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('wrong-question').count()).toBe(Math.min(20, wrongQuestions.size));
    const first = snapshot.results!.find((r) => r.index === Math.min(...wrongQuestions))!;
    const card = page.getByTestId('wrong-question').first();
    expect(await card.getByTestId('reference').textContent()).toBe(first.reference);
    expect(await card.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await scrollTo(page, 'wrong-answers');
    await shoot(page, 'evaluate-wrong.png');
    const href = await card.getByTestId('open-in-compare').getAttribute('href');
    const compare = new URL(href!, webUrl);
    expect(compare.pathname).toBe('/compare');
    expect(compare.searchParams.get('image')).toBe(first.imageId);
    expect(compare.searchParams.get('q')).toBe(first.question);

    await phone.reload({ waitUntil: 'domcontentloaded' });
    await phone.locator('[data-testid="run-status"]', { hasText: 'done' }).waitFor({ timeout: 20_000 });
    await phone.getByTestId('wrong-question').first().waitFor({ timeout: 20_000 });
    await scrollTo(phone, 'type-table');
    await shoot(phone, 'evaluate-results-phone.png');
    await scrollTo(phone, 'speed-accuracy-chart');
    await shoot(phone, 'evaluate-chart-phone.png');
    expect(pageErrors).toEqual([]);
    await phone.close();
    await page.close();
  }, 600_000);
});
