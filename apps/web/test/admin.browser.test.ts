/**
 * The admin page in a real browser against the real stack: Redis (own key prefix), the
 * controller, two workers of the same checkpoint (short heartbeat expiry) and the production web
 * app. Logs in with the stack's admin token, sees both workers, pauses one (confirmed, result
 * shown) and checks that new questions go to the other; then SIGKILLs that other worker and
 * watches its row turn dead and leave within the expiry.
 */
import type { Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { ClientFrame, ClientToServerEvents, GenerateAck, ServerToClientEvents } from '@mgm/protocol';
import type { Stack } from '../../../scripts/stack.ts';
import { useBrowserStack } from './browser-stack.ts';

const MODEL = 'mgm-tiny';
const RECORD_TTL_MS = 2000;
const DEAD_RETENTION_MS = 3000;
const browserStack = useBrowserStack({
  name: 'admin',
  models: [`models/${MODEL}`, `models/${MODEL}`],
  workerThreads: 1,
  env: {
    WORKER_HEARTBEAT_MS: '300',
    WORKER_RECORD_TTL_MS: String(RECORD_TTL_MS),
    ADMIN_PUSH_INTERVAL_MS: '250',
    ADMIN_SAMPLE_INTERVAL_MS: '1000',
    ADMIN_DEAD_RETENTION_MS: String(DEAD_RETENTION_MS),
  },
});

function row(page: Page, workerId: string) {
  return page.locator(`[data-testid="worker-row"][data-worker-id="${workerId}"]`);
}

/** Asks a question through the web origin (as the chat page does) and answers the worker that took it. */
async function askThroughWeb(webUrl: string, question: string): Promise<string> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(webUrl, { path: '/socket.io', transports: ['websocket'], forceNew: true });
  try {
    const frames: ClientFrame[] = [];
    socket.on('frame', (frame) => frames.push(frame));
    const ack: GenerateAck = await socket.timeout(20_000).emitWithAck('generate', {
      messages: [{ role: 'user', content: question }],
      models: [MODEL],
      params: { temperature: 0, maxNewTokens: 6 },
    });
    if (!ack.ok) throw new Error(ack.error.message);
    const deadline = Date.now() + 60_000;
    while (!frames.some((f) => f.type === 'end' || f.type === 'error')) {
      if (Date.now() > deadline) throw new Error(`no answer: ${JSON.stringify(frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const start = frames.find((f) => f.type === 'start');
    if (!start || start.type !== 'start') throw new Error(`no start frame: ${JSON.stringify(frames)}`);
    return start.workerId;
  } finally {
    socket.close();
  }
}

/**
 * Asks for a long answer and stops it at its first text; null when the answer ended before the
 * stop reached the worker (the caller tries again).
 */
async function askAndStop(webUrl: string): Promise<{ jobId: string; tokens: number } | null> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(webUrl, { path: '/socket.io', transports: ['websocket'], forceNew: true });
  try {
    const frames: ClientFrame[] = [];
    let stopped = false;
    socket.on('frame', (frame) => {
      frames.push(frame);
      if (frame.type === 'delta' && !stopped) {
        stopped = true;
        socket.emit('stop', { jobId: frame.jobId }, () => undefined);
      }
    });
    const ack: GenerateAck = await socket.timeout(20_000).emitWithAck('generate', {
      messages: [{ role: 'user', content: 'Describe the image in one sentence.' }],
      models: [MODEL],
      params: { temperature: 1, maxNewTokens: 400 },
    });
    if (!ack.ok) throw new Error(ack.error.message);
    const deadline = Date.now() + 60_000;
    while (!frames.some((f) => f.type === 'end' || f.type === 'error')) {
      if (Date.now() > deadline) throw new Error(`no answer: ${JSON.stringify(frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const end = frames.find((f) => f.type === 'end');
    if (!end || end.type !== 'end' || end.finishReason !== 'abort') return null;
    return { jobId: end.jobId, tokens: end.tokens.generated };
  } finally {
    socket.close();
  }
}

describe('admin page on the real stack', () => {
  it('needs the admin token, shows both workers live, pauses one so jobs go to the other, and shows a killed worker dead, then gone', async () => {
    const { stack, webUrl, log, newPage } = browserStack();
    expect(stack.workers).toHaveLength(2);
    const [first, second] = stack.workers as [Stack['workers'][number], Stack['workers'][number]];

    // Without a session the page answers 401 (Next renders the login form in place), and no worker is named.
    const anonymous = await fetch(`${webUrl}/admin`);
    const anonymousHtml = await anonymous.text();
    expect(anonymous.status).toBe(401);
    for (const worker of stack.workers) expect(anonymousHtml).not.toContain(worker.id);
    expect((await fetch(`${webUrl}/api/admin/workers`)).status).toBe(401);

    const page = await newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${webUrl}/admin`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.getByTestId('admin-token-input').fill('not-the-token-at-all');
    await page.getByTestId('admin-login-button').click();
    await expect.poll(() => page.getByTestId('admin-login-error').textContent(), { timeout: 10_000 }).toContain('wrong admin token');
    await page.getByTestId('admin-token-input').fill(stack.adminToken);
    await page.getByTestId('admin-login-button').click();

    await page.locator('[data-testid="admin-connection"][data-connected="true"]').waitFor({ timeout: 60_000 });
    for (const worker of stack.workers) {
      await row(page, worker.id).and(page.locator('[data-liveness="alive"][data-state="ready"]')).waitFor({ timeout: 30_000 });
      await expect.poll(() => row(page, worker.id).textContent()).toContain(`pid ${worker.pid}`);
    }
    await page.locator(`[data-testid="model-card"][data-model="${MODEL}"]`).waitFor();

    // Pause the first worker: confirm, see the result, see the row paused.
    await row(page, first.id).getByTestId('worker-action-pause').click();
    await expect.poll(() => page.getByTestId('confirm-dialog').textContent()).toContain(`Pause ${first.id}`);
    await page.getByTestId('confirm-action').click();
    await expect.poll(() => page.getByTestId('action-result-message').first().textContent(), { timeout: 15_000 }).toBe(`${first.id} is paused`);
    await row(page, first.id).and(page.locator('[data-state="paused"]')).waitFor({ timeout: 10_000 });

    // New questions all go to the other worker of the model.
    // Clients see an opaque label, never the worker id; the admin rows below say which worker it was.
    const labels = new Set<string>();
    for (const question of ['What is in the picture?', 'What colour is it?', 'How many are there?']) {
      const label = await askThroughWeb(webUrl, question);
      expect(label).toMatch(/^w-[0-9a-f]{10}$/);
      labels.add(label);
    }
    expect(labels.size).toBe(1);
    await expect
      .poll(async () => page.locator(`[data-testid="job-row"][data-state="completed"][data-worker-id="${second.id}"]`).count(), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(3);
    expect(await page.locator(`[data-testid="job-row"][data-worker-id="${first.id}"]`).count()).toBe(0);

    // A job stopped while it streamed shows as stopped, with the figures it had (not "completed" with "–").
    let stoppedJob: { jobId: string; tokens: number } | null = null;
    for (let attempt = 0; attempt < 5 && !stoppedJob; attempt += 1) stoppedJob = await askAndStop(webUrl);
    if (!stoppedJob) throw new Error('five answers ended before their stop reached the worker');
    const stoppedRow = page.locator(`[data-testid="job-row"][data-job-id="${stoppedJob.jobId}"]`);
    await stoppedRow.waitFor({ timeout: 15_000 });
    await expect.poll(() => stoppedRow.getAttribute('data-outcome'), { timeout: 15_000 }).toBe('stopped');
    expect(await stoppedRow.getByTestId('job-outcome').innerText()).toBe('stopped');
    expect(await stoppedRow.locator('[data-cell="ttft"]').innerText()).toMatch(/\d+(\.\d+)? m?s/);
    expect(await stoppedRow.locator('[data-cell="tokens"]').innerText()).toContain(`→ ${stoppedJob.tokens}`);

    // Kill the worker that answered: dead within the record expiry, then removed.
    const killedAt = Date.now();
    process.kill(second.pid!, 'SIGKILL');
    await row(page, second.id).and(page.locator('[data-liveness="dead"]')).waitFor({ timeout: RECORD_TTL_MS + 1000 });
    const deadAfter = Date.now() - killedAt;
    expect(deadAfter).toBeLessThan(RECORD_TTL_MS + 1000);
    await expect.poll(() => page.getByTestId('stat-dead').textContent()).toBe('1');
    await row(page, second.id).waitFor({ state: 'detached', timeout: RECORD_TTL_MS + DEAD_RETENTION_MS + 3000 });
    // The paused worker is still there, untouched.
    await row(page, first.id).and(page.locator('[data-state="paused"][data-liveness="alive"]')).waitFor();
    expect(pageErrors).toEqual([]);
    log.push(`dead after ${deadAfter} ms, gone after ${Date.now() - killedAt} ms`);
    await page.close();
  }, 240_000);
});
