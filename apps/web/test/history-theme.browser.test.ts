/**
 * The chat history and the theme in a real browser against the real stack (one mgm-tiny
 * worker): conversations kept in IndexedDB across reloads (open, rename, delete, delete all),
 * an old chat continued after the server lost its image (re-uploaded from the local copy),
 * dark mode following the system and a remembered toggle on every page, our own 404 page.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisKeys } from '@mgm/protocol';
import { useBrowserStack } from './browser-stack.ts';
import { readTestSet, testImagePath } from './test-set.ts';

const rows = readTestSet().filter((row) => row.history.length === 0);
const FIRST = rows.find((row) => row.type === 'text')!;
const SECOND = rows.find((row) => row.type === 'count' && row.image !== FIRST.image)!;
const ended = '[data-testid="assistant-answer"]:is([data-status="done"], [data-status="error"], [data-status="stopped"])';

const browserStack = useBrowserStack({ name: 'history', models: ['models/mgm-tiny'] });

describe('chat history and theme on the real stack', () => {
  it('keeps conversations across reloads: open, rename, continue after the image expired, delete, delete all', async () => {
    const { webUrl, stack, browser } = browserStack();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const ask = async (imagePath: string | null, question: string, answersBefore: number) => {
      if (imagePath) await page.getByTestId('image-input').setInputFiles(imagePath);
      await page.getByTestId('composer-input').fill(question);
      await page.getByTestId('send-button').and(page.locator(':enabled')).waitFor({ timeout: 30_000 });
      await page.getByTestId('send-button').click();
      await expect.poll(() => page.locator(ended).count(), { timeout: 120_000 }).toBe(answersBefore + 1);
    };
    const titles = () => page.getByTestId('history-title').allInnerTexts();

    await page.goto(webUrl, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.locator('[data-testid="connection-status"][data-connected="true"]').waitFor({ timeout: 60_000 });
    expect(await page.title()).toBe('Chat · MGM Serve');
    await ask(testImagePath(FIRST), FIRST.question, 0);
    const firstAnswer = await page.getByTestId('answer-text').first().innerText();
    // "Copy answer" copies the answer as shown: no leading space from the tokenizer.
    await page.getByRole('button', { name: 'Copy answer' }).first().click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(firstAnswer.trim());
    await expect.poll(titles, { timeout: 10_000 }).toEqual([FIRST.question]);
    expect(page.url()).toMatch(/\?c=chat-/);

    // A reload reopens the conversation from the history: question, answer and image.
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.getByTestId('user-message').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('user-message').first().innerText()).toBe(FIRST.question);
    expect(await page.getByTestId('answer-text').first().innerText()).toBe(firstAnswer);
    expect(await page.locator('[data-testid="chat-turn"] img').first().evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(await titles()).toEqual([FIRST.question]);

    // Rename; the name survives a reload and a later answer.
    const item = page.getByTestId('history-item').first();
    await item.hover();
    await item.getByRole('button', { name: /^Rename/ }).click();
    await page.getByTestId('history-rename-input').fill('My code question');
    await page.getByTestId('history-rename-input').press('Enter');
    await expect.poll(titles).toEqual(['My code question']);

    // The server lost the image (uploads expire): continuing re-uploads the local copy.
    const redis = new Redis(stack.redisUrl);
    try {
      const keys = await redis.keys(redisKeys(stack.redisPrefix).image('*'));
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="connection-status"][data-connected="true"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('user-message').first().waitFor({ timeout: 30_000 });
    await ask(null, 'How many shapes are in the image?', 1);
    const followUp = page.getByTestId('assistant-answer').nth(1);
    expect(await followUp.getAttribute('data-status'), await followUp.innerText()).toBe('done');
    await expect.poll(titles).toEqual(['My code question']);

    // A second conversation, then delete one, then delete all.
    await page.keyboard.press('Control+Shift+O');
    await expect.poll(() => page.getByTestId('chat-turn').count()).toBe(0);
    await ask(testImagePath(SECOND), SECOND.question, 0);
    await expect.poll(titles, { timeout: 10_000 }).toEqual([SECOND.question, 'My code question']);
    await page.reload({ waitUntil: 'domcontentloaded' });
    await expect.poll(titles, { timeout: 30_000 }).toEqual([SECOND.question, 'My code question']);
    // Open the older one from the sidebar.
    await page.getByTestId('history-title').nth(1).click();
    await expect.poll(() => page.getByTestId('chat-turn').count()).toBe(2);
    expect(await page.getByTestId('user-message').first().innerText()).toBe(FIRST.question);

    const second = page.getByTestId('history-item').filter({ hasText: SECOND.question });
    await second.hover();
    await second.getByRole('button', { name: /^Delete/ }).click();
    await expect.poll(titles).toEqual(['My code question']);
    await page.getByTestId('delete-all-chats').click();
    await page.getByTestId('confirm-delete-all').click();
    await expect.poll(titles).toEqual([]);
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="connection-status"][data-connected="true"]').waitFor({ timeout: 60_000 });
    expect(await titles()).toEqual([]);
    expect(await page.getByTestId('chat-turn').count()).toBe(0);

    expect(errors).toEqual([]);
    await context.close();
  }, 400_000);

  it('follows the system colour scheme, remembers the toggle on every page, and has its own 404 page', async () => {
    const { webUrl, browser } = browserStack();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const isDark = () => page.evaluate(() => document.documentElement.classList.contains('dark'));
    const bodyLightness = () =>
      page.evaluate(() => {
        const probe = document.createElement('canvas').getContext('2d')!;
        probe.fillStyle = getComputedStyle(document.body).backgroundColor;
        probe.fillRect(0, 0, 1, 1);
        const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
        return (r! + g! + b!) / 3;
      });

    await page.goto(`${webUrl}/leaderboard`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    expect(await isDark()).toBe(true);
    expect(await bodyLightness()).toBeLessThan(60);

    // system → light → dark → system; "light" is remembered across pages and reloads.
    const toggle = page.getByTestId('theme-toggle');
    await expect.poll(() => toggle.getAttribute('data-theme-preference')).toBe('system');
    await toggle.click();
    await expect.poll(isDark).toBe(false);
    expect(await bodyLightness()).toBeGreaterThan(200);
    for (const route of ['/', '/compare', '/arena', '/admin', '/leaderboard']) {
      await page.goto(`${webUrl}${route}`, { waitUntil: 'domcontentloaded' });
      // Set before the first paint by the theme script, so no dark flash.
      expect(await isDark(), route).toBe(false);
      await expect.poll(() => page.getByTestId('theme-toggle').getAttribute('data-theme-preference')).toBe('light');
    }
    await page.getByTestId('theme-toggle').click();
    await expect.poll(isDark).toBe(true);
    await expect.poll(() => page.getByTestId('theme-toggle').getAttribute('data-theme-preference')).toBe('dark');
    await page.getByTestId('theme-toggle').click();
    await expect.poll(() => page.getByTestId('theme-toggle').getAttribute('data-theme-preference')).toBe('system');
    expect(await isDark()).toBe(true);

    const response = await page.goto(`${webUrl}/no-such-page`, { waitUntil: 'domcontentloaded' });
    expect(response?.status()).toBe(404);
    await page.getByTestId('status-page').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('This page does not exist');
    expect(await page.title()).toBe('Page not found · MGM Serve');
    expect(await isDark()).toBe(true);
    expect(await page.getByTestId('theme-toggle').count()).toBe(1);

    expect(errors).toEqual([]);
    await context.close();
  }, 200_000);
});
