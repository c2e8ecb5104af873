/**
 * MGM's two functions on the chat page, in a real browser against the real stack (mgm-tiny worker
 * with the default image backend, the synthetic-scene renderer): "Generate image" shows the image
 * prompt and the picture with its plain label (or says clearly why there is none: the tiny model's
 * answer may lack <h>…</h>); "Use OCR" shows the text PaddleOCR read from a test image.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserStack } from './browser-stack.ts';
import { readTestSet, testImagePath } from './test-set.ts';

const MODEL = 'mgm-tiny';
const browserStack = useBrowserStack({ name: 'ocrgen', models: [`models/${MODEL}`] });

async function ask(page: Page, image: string, question: string, switchId: string) {
  await page.goto(browserStack().webUrl, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.locator('[data-testid="connection-status"][data-connected="true"]').waitFor({ timeout: 60_000 });
  await page.locator(`[data-testid="model-select"] option[value="${MODEL}"]`).waitFor({ state: 'attached', timeout: 60_000 });
  await page.getByTestId('model-select').selectOption(MODEL);
  await page.getByLabel('Temperature').fill('0');
  await page.getByTestId(switchId).check();
  await page.getByTestId('image-input').setInputFiles(image);
  await page.getByTestId('image-preview').waitFor();
  await page.getByTestId('composer-input').fill(question);
  const send = page.getByTestId('send-button');
  await expect.poll(() => send.isEnabled(), { timeout: 30_000 }).toBe(true);
  await send.click();
  await page
    .locator('[data-testid="assistant-answer"][data-status="done"], [data-testid="assistant-answer"][data-status="error"]')
    .waitFor({ timeout: 120_000 });
  const answer = page.getByTestId('assistant-answer').last();
  expect(await answer.getAttribute('data-status')).toBe('done');
  return answer;
}

describe('MGM functions on the chat page', () => {
  it('Generate image: the answer shows the image prompt and the picture, labelled as the scene renderer', async () => {
    const row = readTestSet().find((r) => r.type === 'generation');
    if (!row) throw new Error('no generation row in the test set');
    const page = await browserStack().newPage({ width: 1280, height: 900 });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // The switch adds " <GEN>" itself: ask without it, as a person would.
    const answer = await ask(page, testImagePath(row), row.question.replace(/ <GEN>$/u, ''), 'generate-image-switch');
    const figure = answer.getByTestId('generated-image');
    await figure.waitFor({ timeout: 10_000 });
    const status = await figure.getAttribute('data-status');
    if (status === 'ok') {
      const prompt = await figure.getByTestId('generated-image-prompt').innerText();
      expect(prompt).toMatch(/^(an? (red|green|blue|yellow|purple|orange) (circle|square|triangle|star|diamond)|the code \d+) /u);
      const size = await figure
        .getByTestId('generated-image-picture')
        .evaluate((img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight]);
      expect(size).toEqual([384, 384]);
      expect(await figure.getByTestId('generated-image-label').innerText()).toMatch(/synthetic-scene renderer.*not a diffusion model/iu);
      // The prompt is shown once, and the page followed the answer down to the picture and its buttons.
      const shown = await answer.innerText();
      expect(shown.split(prompt).length - 1).toBe(1);
      await expect
        .poll(() =>
          answer.getByRole('button', { name: 'Good answer' }).evaluate((button) => {
            const scroller = button.closest('.overflow-y-auto');
            const picture = document.querySelector('[data-testid="generated-image-picture"]');
            if (!scroller || !picture) return false;
            const view = scroller.getBoundingClientRect();
            return picture.getBoundingClientRect().height > 0 && button.getBoundingClientRect().bottom <= view.bottom + 1;
          }),
        )
        .toBe(true);
    } else {
      // The tiny model wrote no <h>…</h> (or one the renderer cannot draw): the page says so.
      expect(await figure.getByTestId('generated-image-missing').innerText()).toMatch(/No picture: .+/u);
    }
    expect(pageErrors).toEqual([]);
    if (process.env.OCRGEN_SCREENSHOT) await page.screenshot({ path: process.env.OCRGEN_SCREENSHOT, fullPage: true });
    await page.close();
  }, 300_000);

  it('Use OCR: the answer shows the code PaddleOCR read from the image', async () => {
    const row = readTestSet().find((r) => r.id === '0000-1');
    if (!row) throw new Error('test row 0000-1 is missing');
    const page = await browserStack().newPage({ width: 1280, height: 900 });
    const answer = await ask(page, testImagePath(row), row.question, 'use-ocr-switch');
    expect(await answer.getByTestId('ocr-text').innerText()).toContain(row.answer);
    // The switch says what OCR does for these checkpoints, with the measured figures.
    const note = page.getByTestId('use-ocr-switch-note');
    expect(await note.innerText()).toMatch(/mgm-tiny answers 13 % right without OCR and 0 % with it/u);
    if (process.env.OCRGEN_SWITCH_SCREENSHOT) {
      await note.scrollIntoViewIfNeeded();
      await page.screenshot({ path: process.env.OCRGEN_SWITCH_SCREENSHOT });
    }
    await page.close();
  }, 300_000);
});
