/**
 * Screenshots of /admin at laptop (1280×800) and phone (390×844) sizes, on a stack it starts
 * itself (its own Redis key prefix, free ports): two mgm-tiny workers, mgm-tiny-hd and
 * llava-tiny, a few minutes of real questions so the charts have something to draw, one worker
 * paused, one question too long for its model (a failed job), and the llava-tiny worker killed
 * (a dead row).
 *   npx tsx apps/web/scripts/admin-screenshots.ts [outDir] [trafficSeconds]
 * Writes admin.png (laptop) and admin-phone.png into outDir (default docs/screenshots); with
 * SHOTS_FULL_PAGE=1 also the whole page at both sizes (admin-full.png, admin-phone-full.png), for review.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { io } from 'socket.io-client';
import type { GenerateAck } from '@mgm/protocol';
import { repoRoot, startStack } from '../../../scripts/stack.ts';
import { launchChromium } from '../test/browser.ts';
import { deleteKeysWithPrefix } from '../test/redis-cleanup.ts';

const outDir = path.resolve(process.argv[2] ?? path.join(repoRoot, 'docs/screenshots'));
const trafficSeconds = Number(process.argv[3] ?? 150);
const prefix = `shots-admin-${randomBytes(3).toString('hex')}`;
const questions = ['What is in the picture?', 'What colour is the shape?', 'How many objects are there?', 'Describe the image.', 'Is there any text?'];

await mkdir(outDir, { recursive: true });
const stack = await startStack({
  redisPrefix: prefix,
  controllerPort: 0,
  webPort: 0,
  models: ['models/mgm-tiny', 'models/mgm-tiny', 'models/mgm-tiny-hd', 'models/llava-tiny'],
  workerThreads: 1,
  env: { ADMIN_SAMPLE_INTERVAL_MS: '3000', ADMIN_DEAD_RETENTION_MS: '60000' },
  output: (source, line) => {
    if (source === 'demo') process.stdout.write(`[${source}] ${line}\n`);
  },
  timeoutMs: 300_000,
});
const webUrl = stack.webUrl!;
const admin = (route: string) =>
  fetch(`${stack.controllerUrl}${route}`, { method: 'POST', headers: { authorization: `Bearer ${stack.adminToken}` } }).then((r) => r.json());

async function ask(model: string, question: string, maxNewTokens = 24): Promise<void> {
  const socket = io(webUrl, { path: '/socket.io', transports: ['websocket'], forceNew: true });
  try {
    await new Promise<void>((resolve) => {
      socket.on('frame', (frame: { type: string }) => {
        if (frame.type === 'end' || frame.type === 'error') resolve();
      });
      socket
        .timeout(30_000)
        .emitWithAck('generate', { messages: [{ role: 'user', content: question }], models: [model], params: { maxNewTokens } })
        .then((ack: GenerateAck) => {
          if (!ack.ok) resolve();
        }, () => resolve());
    });
  } finally {
    socket.close();
  }
}

try {
  const [tinyA, , , llava] = stack.workers;
  let trafficOn = true;
  const stopTraffic = () => {
    trafficOn = false;
  };
  let asked = 0;
  const loop = async (models: string[]) => {
    while (trafficOn) {
      const model = models[asked % models.length]!;
      await ask(model, questions[asked % questions.length]!);
      asked += 1;
      // Bursts and pauses, so the charts are not flat.
      if (asked % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 6000));
    }
  };
  const pauseLater = new Promise<void>((resolve) =>
    setTimeout(() => {
      void admin(`/api/admin/workers/${tinyA!.id}/pause`).then((r) => process.stdout.write(`pause: ${JSON.stringify(r)}\n`), () => undefined).finally(resolve);
    }, trafficSeconds * 600),
  );
  // The traffic goes on while the screenshots are taken, so the page shows a live system.
  const traffic = Promise.all([loop(['mgm-tiny', 'mgm-tiny-hd']), loop(['mgm-tiny', 'llava-tiny', 'mgm-tiny']), pauseLater]);
  await new Promise((resolve) => setTimeout(resolve, trafficSeconds * 800));
  await ask('mgm-tiny-hd', 'Please read this. '.repeat(400));
  process.kill(llava!.pid!, 'SIGKILL');
  await new Promise((resolve) => setTimeout(resolve, 5000));

  const browser = await launchChromium();
  try {
    for (const [file, viewport, scale] of [
      ['admin.png', { width: 1280, height: 800 }, 1],
      ['admin-phone.png', { width: 390, height: 844 }, 2],
    ] as const) {
      const page = await browser.newPage({ viewport, deviceScaleFactor: scale });
      page.on('pageerror', (error) => process.stderr.write(`[${file}] page error: ${error.message}\n`));
      await page.goto(`${webUrl}/admin`, { waitUntil: 'networkidle', timeout: 120_000 });
      await page.getByTestId('admin-token-input').fill(stack.adminToken);
      await page.getByTestId('admin-login-button').click();
      await page.locator('[data-testid="admin-connection"][data-connected="true"]').waitFor({ timeout: 60_000 });
      await page.locator('[data-testid="chart-tokens"]').first().waitFor();
      await page.waitForTimeout(1500);
      const target = path.join(outDir, file);
      await page.screenshot({ path: target });
      process.stdout.write(`${target}: ${(await stat(target)).size} bytes\n`);
      if (process.env.SHOTS_FULL_PAGE === '1') {
        // The page scrolls inside <main> (the nav stays put), so a tall window shows all of it.
        await page.setViewportSize({ width: viewport.width, height: 2400 });
        await page.waitForTimeout(500);
        await page.screenshot({ path: target.replace(/\.png$/, '-full.png') });
      }
      await page.close();
    }
  } finally {
    await browser.close();
  }
  stopTraffic();
  await traffic;
  process.stdout.write(`asked ${asked} questions\n`);
} finally {
  await stack.stop();
  if (!stack.privateRedis) await deleteKeysWithPrefix(stack.redisUrl, prefix);
}
