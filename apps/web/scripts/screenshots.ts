/**
 * Screenshots of the chat page at laptop and phone sizes, for looking at the design:
 *   WEB_URL=http://127.0.0.1:3000 npx tsx apps/web/scripts/screenshots.ts [outDir]
 * Needs a running web server (with a controller behind it).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launchChromium } from '../test/browser.ts';

const url = process.env.WEB_URL ?? 'http://127.0.0.1:3000';
const outDir = path.resolve(process.argv[2] ?? 'apps/web/test-output/screenshots');
await mkdir(outDir, { recursive: true });

const browser = await launchChromium();
try {
  for (const [name, viewport] of [
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    const page = await browser.newPage({ viewport, deviceScaleFactor: name === 'phone' ? 2 : 1 });
    page.on('pageerror', (err) => process.stderr.write(`[${name}] page error: ${err.message}\n`));
    await page.goto(url, { waitUntil: 'networkidle', timeout: 180_000 });
    await page.getByTestId('connection-status').and(page.locator('[data-connected="true"]')).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(outDir, `${name}-empty.png`) });

    await page.getByTestId('example').first().click();
    await page.getByTestId('send-button').and(page.locator(':enabled')).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(outDir, `${name}-attached.png`) });
    await page.getByTestId('send-button').click();
    await page.locator('[data-testid="assistant-answer"][data-status="done"], [data-testid="assistant-answer"][data-status="error"]').first().waitFor({ timeout: 120_000 });
    await page.getByTestId('composer-input').fill('And what colour is it?');
    await page.getByTestId('send-button').click();
    await page.locator('[data-testid="assistant-answer"]').nth(1).locator('xpath=self::*[@data-status="done" or @data-status="error"]').waitFor({ timeout: 120_000 });
    await page.screenshot({ path: path.join(outDir, `${name}-conversation.png`) });
    if (name === 'phone') {
      await page.getByTestId('open-settings').click();
      await page.waitForTimeout(400);
      await page.screenshot({ path: path.join(outDir, `${name}-settings.png`) });
    }
    await page.close();
  }
  process.stdout.write(`screenshots in ${outDir}\n`);
} finally {
  await browser.close();
}
