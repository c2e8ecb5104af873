/**
 * Screenshots of every page (chat with its history, compare, arena before the vote, leaderboard,
 * admin, the 404 page), light and dark (the browser's colour scheme: the app follows the
 * system), laptop 1280×800 and phone 390×844, on a stack it starts itself (the three shipped
 * checkpoints, its own Redis key prefix and data dir, free ports):
 *   npx tsx apps/web/scripts/page-screenshots.ts [outDir]
 * Writes <page>-<light|dark>-<laptop|phone>.png into outDir (default docs/screenshots).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { repoRoot, startStack } from '../../../scripts/stack.ts';
import { launchChromium } from '../test/browser.ts';
import { deleteKeysWithPrefix } from '../test/redis-cleanup.ts';
import { readTestSet, testImagePath } from '../test/test-set.ts';

const outDir = path.resolve(process.argv[2] ?? path.join(repoRoot, 'docs/screenshots'));
const prefix = `shots-pages-${randomBytes(3).toString('hex')}`;
const MODELS = ['mgm-tiny', 'mgm-tiny-hd', 'llava-tiny'];
const SIZES = [
  ['laptop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const;
const THEMES = ['light', 'dark'] as const;
const finished = '[data-status="done"], [data-status="stopped"], [data-status="error"]';
const rows = readTestSet();
const describeRow = rows.find((row) => row.type === 'description' && row.history.length === 0)!;
const textRow = rows.find((row) => row.type === 'text' && row.history.length === 0)!;
// A follow-up the test set asks about the same scene (its questions have one right answer there).
const followUp = rows.find((row) => row.image === describeRow.image && row.type !== 'description' && row.type !== 'text') ?? textRow;

await mkdir(outDir, { recursive: true });
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mgm-shots-'));
const stack = await startStack({
  redisPrefix: prefix,
  controllerPort: 0,
  webPort: 0,
  models: MODELS.map((model) => `models/${model}`),
  workerThreads: 1,
  dataDir,
  output: (source, line) => {
    if (source === 'demo') process.stdout.write(`[${source}] ${line}\n`);
  },
  timeoutMs: 300_000,
});
const webUrl = stack.webUrl!;

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(400);
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file });
  process.stdout.write(`${file}\n`);
}

async function askWithImage(page: Page, imagePath: string, question: string, answers: string): Promise<void> {
  await page.getByTestId('image-input').setInputFiles(imagePath);
  // (On a phone the preview sits in the closed settings drawer: the send button says the upload is done.)
  await page.getByTestId('composer-input').fill(question);
  await page.getByTestId('send-button').and(page.locator(':enabled')).waitFor({ timeout: 30_000 });
  await page.getByTestId('send-button').click();
  await page.locator(`[data-testid="${answers}"]`).first().waitFor({ timeout: 30_000 });
  const count = await page.getByTestId(answers).count();
  await page.waitForFunction(
    ([selector, expected]) => document.querySelectorAll(selector as string).length >= (expected as number),
    [`[data-testid="${answers}"]:is(${finished})`, count] as const,
    { timeout: 180_000 },
  );
}

async function pages(browser: Browser, theme: (typeof THEMES)[number], size: (typeof SIZES)[number]): Promise<void> {
  const [sizeName, viewport] = size;
  const context = await browser.newContext({ viewport, colorScheme: theme });
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`[${theme}-${sizeName}] page error: ${error.message}\n`));
  const name = (pageName: string) => `${pageName}-${theme}-${sizeName}`;

  // Chat: two conversations in the history, the second open.
  await page.goto(webUrl, { waitUntil: 'networkidle', timeout: 120_000 });
  await page.locator('[data-testid="connection-status"][data-connected="true"]').waitFor({ timeout: 60_000 });
  await askWithImage(page, testImagePath(textRow), textRow.question, 'assistant-answer');
  await page.keyboard.press('Control+Shift+O');
  await askWithImage(page, testImagePath(describeRow), describeRow.question, 'assistant-answer');
  await page.getByTestId('composer-input').fill(followUp.question);
  await page.getByTestId('send-button').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="assistant-answer"]:is([data-status="done"], [data-status="error"])').length >= 2, null, { timeout: 120_000 });
  await shot(page, name('chat'));
  if (sizeName === 'phone') {
    await page.getByTestId('open-history').click();
    await shot(page, name('chat-history'));
  }

  await page.goto(`${webUrl}/compare?models=${MODELS.join(',')}&temperature=0`, { waitUntil: 'networkidle', timeout: 120_000 });
  await page.locator('[data-testid="connection-status"][data-connected="true"]').waitFor({ timeout: 60_000 });
  await askWithImage(page, testImagePath(describeRow), describeRow.question, 'compare-answer');
  await shot(page, name('compare'));

  await page.goto(`${webUrl}/arena`, { waitUntil: 'networkidle', timeout: 120_000 });
  await page.locator('[data-testid="connection-status"][data-connected="true"]').waitFor({ timeout: 60_000 });
  await askWithImage(page, testImagePath(textRow), textRow.question, 'arena-answer');
  await shot(page, name('arena'));
  await page.getByTestId('vote-a').click();
  await page.getByTestId('arena-reveal').waitFor({ timeout: 15_000 });

  await page.goto(`${webUrl}/leaderboard`, { waitUntil: 'networkidle', timeout: 120_000 });
  await page.getByTestId('leaderboard-table').waitFor({ timeout: 30_000 });
  await shot(page, name('leaderboard'));

  await page.goto(`${webUrl}/admin`, { waitUntil: 'networkidle', timeout: 120_000 });
  await page.getByTestId('admin-token-input').fill(stack.adminToken);
  await page.getByTestId('admin-login-button').click();
  await page.locator('[data-testid="admin-connection"][data-connected="true"]').waitFor({ timeout: 60_000 });
  await shot(page, name('admin'));

  await page.goto(`${webUrl}/no-such-page`, { waitUntil: 'networkidle', timeout: 120_000 });
  await shot(page, name('not-found'));
  await context.close();
}

try {
  const browser = await launchChromium();
  try {
    for (const theme of THEMES) for (const size of SIZES) await pages(browser, theme, size);
  } finally {
    await browser.close();
  }
} finally {
  await stack.stop();
  if (!stack.privateRedis) await deleteKeysWithPrefix(stack.redisUrl, prefix);
  await rm(dataDir, { recursive: true, force: true });
}
