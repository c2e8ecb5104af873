/**
 * "What the model sees" in a real browser against the real stack (scripts/stack.ts): mgm-tiny and
 * llava-tiny workers, the production web app. On the chat page, a scene with a code drawn at the
 * top right: the lens of mgm-tiny's answer puts its heat on the code's cell, and hovering an LR
 * cell shows that cell's own window. On the compare page, mgm-tiny beside llava-tiny on a test
 * image: llava-tiny shows only its LR input. LENS_SCREENSHOTS=DIR saves laptop (1280x800) and
 * phone (390x844) screenshots there (docs/screenshots in the README). MGM_LENS_MODELS=DIR serves
 * the checkpoints from DIR instead of models/.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SceneRenderer } from '@mgm/imagegen';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBrowserStack } from './browser-stack.ts';
import { readTestSet, repoRoot, testImagePath } from './test-set.ts';

const MODELS_DIR = process.env.MGM_LENS_MODELS ?? path.join(repoRoot, 'models');
const SHOTS = process.env.LENS_SCREENSHOTS ? path.resolve(repoRoot, process.env.LENS_SCREENSHOTS) : null;
/** The export names its outputs in the graph: an mgm-tiny exported before the lens has no mining_attention. */
const hasAttention = readFileSync(path.join(MODELS_DIR, 'mgm-tiny/vision.onnx')).includes('mining_attention');
if (!hasAttention) console.warn(`lens.browser.test: ${MODELS_DIR}/mgm-tiny/vision.onnx has no mining_attention output: skipping the heat-map test (re-export it, or MGM_LENS_MODELS=<dir of re-exported copies>)`);
const ROW = readTestSet().find((row) => row.type === 'text' && row.history.length === 0);
const QUESTION = 'What number is printed in the picture?';

const browserStack = useBrowserStack({
  name: 'lens',
  models: ['mgm-tiny', 'llava-tiny'].map((m) => path.join(MODELS_DIR, m)),
  timeoutMs: 300_000,
  hookTimeoutMs: 900_000,
});
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'mgm-lens-web-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function open(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browserStack().newPage({ width: 1280, height: 800 });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.locator('[data-testid="connection-status"][data-connected="true"]').waitFor({ timeout: 60_000 });
  return { page, errors };
}

async function ask(page: Page, image: string, question: string): Promise<void> {
  await page.getByTestId('image-input').setInputFiles(image);
  await page.getByTestId('image-preview').waitFor();
  await page.getByTestId('composer-input').fill(question);
  const send = page.getByTestId('send-button');
  await expect.poll(() => send.isEnabled(), { timeout: 30_000 }).toBe(true);
  await send.click();
}

/** Laptop and phone screenshots, scrolled so that `top` (the answer, the compare turn) starts the view. */
async function screenshots(page: Page, name: string, top: string): Promise<void> {
  if (!SHOTS) return;
  const scroll = (block: 'start' | 'center') => page.getByTestId(top).last().evaluate((el, b) => el.scrollIntoView({ block: b }), block);
  await scroll('start');
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('lens-panel').first().evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: path.join(SHOTS, `${name}-phone.png`) });
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** The heat canvas's opacity summed over the 3x3 cells of the scene. */
function heatByCell(page: Page): Promise<number[]> {
  return page.getByTestId('lens-heat').first().evaluate((canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
    const sums = Array.from({ length: 9 }, () => 0);
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) sums[Math.floor((3 * y) / c.height) * 3 + Math.floor((3 * x) / c.width)]! += data[(y * c.width + x) * 4 + 3]!;
    }
    return sums;
  });
}

describe('the resolution lens on the real stack', () => {
  it.skipIf(!hasAttention)('chat: the heat map of mgm-tiny lies on the code, and an LR cell shows its own window', async () => {
    const scene = path.join(tmp, 'code-top-right.png');
    await writeFile(scene, (await new SceneRenderer({ width: 384, height: 384 }).generate('the code 4807 at the top right')).png);
    const { page, errors } = await open(browserStack().webUrl);
    await page.locator('[data-testid="model-select"] option[value="mgm-tiny"]').waitFor({ state: 'attached', timeout: 60_000 });
    await page.getByTestId('model-select').selectOption('mgm-tiny');
    await page.getByLabel('Temperature').fill('0');
    await ask(page, scene, QUESTION);
    await page.locator('[data-testid="assistant-answer"][data-status="done"]').waitFor({ timeout: 120_000 });
    await page.getByTestId('lens-button').click();
    const panel = page.getByTestId('lens-panel');
    await panel.waitFor({ timeout: 30_000 });

    expect(await panel.getAttribute('data-architecture')).toBe('mgm');
    const lr = panel.getByTestId('lens-lr').locator('img');
    expect(await lr.evaluate((img) => [(img as HTMLImageElement).naturalWidth, getComputedStyle(img).imageRendering])).toEqual([48, 'pixelated']);
    expect(await panel.getByTestId('lens-hr').locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(192);
    // the lens opens on the cell that looks hardest: one of the code's (top rows, right columns of the 6x6 grid)
    const hottest = Number(await panel.getAttribute('data-selected-token'));
    expect(Math.floor(hottest / 6), `token ${hottest}`).toBeLessThanOrEqual(1);
    expect(hottest % 6, `token ${hottest}`).toBeGreaterThanOrEqual(3);
    const heat = await heatByCell(page);
    expect(heat.indexOf(Math.max(...heat)), `heat by cell ${heat.join(', ')}`).toBe(2);

    // hovering another LR cell shows its own window: 64 weights that sum to 1
    await panel.locator('[data-testid="lens-cell"][data-token="35"]').hover();
    await expect.poll(() => panel.getAttribute('data-selected-token')).toBe('35');
    const weights = await panel.getByTestId('lens-window-weights').locator('[data-weight]').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-weight'))));
    expect(weights).toHaveLength(64);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    await panel.locator(`[data-testid="lens-cell"][data-token="${hottest}"]`).hover();
    await expect.poll(() => panel.getAttribute('data-selected-token')).toBe(String(hottest));
    expect(errors).toEqual([]);
    await screenshots(page, 'lens-chat', 'assistant-answer');
  });

  it('compare: mgm-tiny shows LR, HR and where it mined; llava-tiny only its LR input', async () => {
    if (!ROW) throw new Error('no text-reading test row');
    const { page, errors } = await open(`${browserStack().webUrl}/compare?models=mgm-tiny,llava-tiny&temperature=0`);
    await expect.poll(() => page.getByTestId('compare-model-select').count(), { timeout: 30_000 }).toBe(2);
    await ask(page, testImagePath(ROW), ROW.question);
    const answers = page.getByTestId('compare-answer');
    await expect.poll(() => page.locator('[data-testid="compare-answer"][data-status="done"]').count(), { timeout: 180_000 }).toBe(2);
    for (let i = 0; i < 2; i++) await answers.nth(i).getByTestId('lens-button').click();
    await expect.poll(() => page.getByTestId('lens-panel').count(), { timeout: 30_000 }).toBe(2);

    const mgm = page.locator('[data-testid="compare-answer"][data-model="mgm-tiny"]').getByTestId('lens-panel');
    const llava = page.locator('[data-testid="compare-answer"][data-model="llava-tiny"]').getByTestId('lens-panel');
    expect(await mgm.getAttribute('data-architecture')).toBe('mgm');
    expect(await mgm.getByTestId('lens-hr').count()).toBe(1);
    expect(await mgm.getByTestId('lens-heat').count()).toBe(hasAttention ? 1 : 0);
    expect(await llava.getAttribute('data-architecture')).toBe('llava');
    expect(await llava.getByTestId('lens-lr').count()).toBe(1);
    expect(await llava.getByTestId('lens-hr').count()).toBe(0);
    expect(await llava.getByTestId('lens-heat').count()).toBe(0);
    expect(await llava.getByTestId('lens-cell').count()).toBe(0);
    expect(await llava.innerText()).toContain('no HR branch');
    expect(errors).toEqual([]);
    await screenshots(page, 'lens-compare', 'compare-turn');
    if (SHOTS) {
      // for the README: the question, both answers and both lenses in one picture
      await page.setViewportSize({ width: 1280, height: 1400 });
      await page.getByTestId('compare-turn').last().screenshot({ path: path.join(SHOTS, 'lens-compare-answers.png') });
    }
  });
});
