/**
 * "Stop" on a model's only worker, then "Restart" from the admin page, in a real browser against
 * the real stack (scripts/stack.ts, whose supervisor is the one `npm run demo` runs): the row says
 * the worker is restartable here, the Stop dialog says there is no other worker and where to bring
 * it back, the stopped slot appears under Stopped workers, and Restart starts a new worker of the
 * same checkpoint that loads and answers.
 */
import { describe, expect, it } from 'vitest';
import { useBrowserStack } from './browser-stack.ts';

const MODEL = 'mgm-tiny';
const browserStack = useBrowserStack({
  name: 'restart',
  models: [`models/${MODEL}`],
  workerThreads: 1,
  env: { ADMIN_PUSH_INTERVAL_MS: '250', WORKER_HEARTBEAT_MS: '300', WORKER_RECORD_TTL_MS: '2000' },
});
const shots = process.env.RESTART_SCREENSHOTS; // a folder: docs/screenshots

describe('restarting a stopped worker from the admin page', () => {
  it('stops the only worker of mgm-tiny, lists its slot as stopped, and Restart brings a new worker back', async () => {
    const { stack, webUrl, newPage } = browserStack();
    const [worker] = stack.workers;
    if (!worker) throw new Error('no worker started');
    const page = await newPage({ width: 1280, height: 900 });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${webUrl}/admin`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.getByTestId('admin-token-input').fill(stack.adminToken);
    await page.getByTestId('admin-login-button').click();
    const row = page.locator(`[data-testid="worker-row"][data-worker-id="${worker.id}"]`);
    await row.and(page.locator('[data-state="ready"]')).waitFor({ timeout: 60_000 });
    await expect.poll(() => row.getByTestId('worker-restarter').getAttribute('data-restartable'), { timeout: 10_000 }).toBe('true');
    expect(await row.getByTestId('worker-restarter').innerText()).toBe('restartable here · npm run demo');
    // Nothing is stopped yet.
    expect(await page.getByTestId('stopped-workers').count()).toBe(0);

    await row.getByTestId('worker-action-stop').click();
    const dialog = page.getByTestId('confirm-dialog');
    await expect.poll(() => dialog.textContent()).toContain(`Stop ${worker.id}`);
    const said = (await dialog.textContent()) ?? '';
    expect(said).toMatch(/No other ready worker serves mgm-tiny/u);
    expect(said).toMatch(/npm run demo started it, and "Restart" under Stopped workers on this page starts it again/u);
    if (shots) await page.screenshot({ path: `${shots}/admin-stop-dialog-supervised.png` });
    await page.getByTestId('confirm-action').click();

    const slot = page.locator('[data-testid="stopped-slot"][data-slot-id="mgm-tiny.cpu"]');
    await slot.and(page.locator('[data-state="stopped"]')).waitFor({ timeout: 30_000 });
    await row.waitFor({ state: 'detached', timeout: 30_000 });
    expect(await slot.innerText()).toMatch(new RegExp(`last worker ${worker.id} · exited \\(code 0\\)`, 'u'));
    if (shots) await page.screenshot({ path: `${shots}/admin-stopped-worker.png` });

    await slot.getByTestId('slot-action-restart').click();
    await expect.poll(() => dialog.textContent()).toContain('Restart mgm-tiny on cpu');
    await page.getByTestId('confirm-action').click();
    await expect
      .poll(() => page.getByTestId('action-result-message').first().textContent(), { timeout: 20_000 })
      .toMatch(/^started worker mgm-tiny-\w+ \(pid \d+\) for mgm-tiny\.cpu/u);

    // A new worker of the slot registers, loads and is ready; the slot leaves the stopped list.
    const restarted = page.locator('[data-testid="worker-row"][data-state="ready"]').filter({ hasText: 'restartable here · npm run demo' });
    await restarted.first().waitFor({ timeout: 120_000 });
    const newId = await restarted.first().getAttribute('data-worker-id');
    expect(newId).not.toBe(worker.id);
    expect(newId).toMatch(/^mgm-tiny-/u);
    await page.getByTestId('stopped-workers').waitFor({ state: 'detached', timeout: 30_000 });
    if (shots) await page.screenshot({ path: `${shots}/admin-restarted-worker.png` });

    // The restarted worker answers questions of mgm-tiny.
    const res = await fetch(`${stack.controllerUrl}/api/admin/slots`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
    expect(await res.json()).toMatchObject({ slots: [{ slotId: 'mgm-tiny.cpu', state: 'running', workerId: newId, restarts: 1 }] });
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 400_000);
});
