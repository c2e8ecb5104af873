/**
 * API keys on the admin page in a real browser against the real stack: create a key (shown
 * once), use it for the OpenAI API through the web origin (/v1 is proxied), watch its usage
 * counters move, revoke it and see the API refuse it.
 */
import { describe, expect, it } from 'vitest';
import { useBrowserStack } from './browser-stack.ts';

const MODEL = 'mgm-tiny';
const browserStack = useBrowserStack({ name: 'api-keys', models: [`models/${MODEL}`], workerThreads: 1 });

describe('API keys on the admin page', () => {
  it('creates a key shown once, counts its use through /v1, and revokes it', async () => {
    const { stack, webUrl, newPage } = browserStack();
    expect((await fetch(`${webUrl}/api/admin/api-keys`)).status).toBe(401);
    const page = await newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${webUrl}/admin`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.getByTestId('admin-token-input').fill(stack.adminToken);
    await page.getByTestId('admin-login-button').click();
    await page.getByTestId('api-key-form').waitFor({ timeout: 60_000 });

    await page.getByTestId('api-key-name').fill('notebook');
    await page.getByTestId('api-key-requestsPerMinute').fill('100');
    await page.getByTestId('api-key-create').click();
    const secret = (await page.getByTestId('api-key-secret').textContent({ timeout: 10_000 }))!.trim();
    expect(secret).toMatch(/^sk-mgm-/);
    const row = page.locator('[data-testid="api-key-row"]', { hasText: 'notebook' });
    await row.waitFor();
    expect(await row.textContent()).toContain('100 req/min');
    await page.getByTestId('api-key-dismiss').click();
    expect(await page.content()).not.toContain(secret);

    const ask = () =>
      fetch(`${webUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'What is in the picture?' }], temperature: 0, max_tokens: 4 }),
      });
    const answer = await ask();
    expect(answer.status).toBe(200);
    const { usage } = (await answer.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    await expect
      .poll(() => row.getByTestId('api-key-usage').textContent(), { timeout: 15_000 })
      .toBe(`1 req · ${usage.prompt_tokens} prompt · ${usage.completion_tokens} completion tokens`);

    await row.getByTestId('api-key-revoke').click();
    await expect.poll(() => page.getByTestId('confirm-dialog').textContent()).toContain('Revoke notebook');
    await page.getByTestId('confirm-action').click();
    await page.locator('[data-testid="api-key-row"][data-revoked="true"]', { hasText: 'notebook' }).waitFor({ timeout: 10_000 });
    const refused = await ask();
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('This API key was revoked.');
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 240_000);
});
