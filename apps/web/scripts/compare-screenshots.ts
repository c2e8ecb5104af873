/**
 * Screenshots of /compare and /leaderboard at laptop (1280×800) and phone (390×844) size, each
 * pair side by side in one PNG (docs/screenshots/compare.png, docs/screenshots/leaderboard.png):
 *   npx tsx apps/web/scripts/compare-screenshots.ts [--battles 40] [--out docs/screenshots]
 * Starts its own stack (the three shipped checkpoints, a fresh data directory). To fill the
 * leaderboard it plays arena battles through the controller and votes like a strict grader:
 * the answer that matches the test set's expected answer wins; both right is a tie, both wrong
 * is "both bad". So the ratings shown are real Bradley–Terry fits of real recorded votes.
 */
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ARENA_NAMESPACE, type ArenaClientToServerEvents, type ArenaFrame, type ArenaServerToClientEvents, type ArenaVerdict } from '@mgm/protocol';
import type { Browser, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { repoRoot, startStack } from '../../../scripts/stack.ts';
import { launchChromium } from '../test/browser.ts';
import { deleteKeysWithPrefix } from '../test/redis-cleanup.ts';
import { normalizeAnswer, readTestSet, testImagePath, type TestRow } from '../test/test-set.ts';

const { values } = parseArgs({ options: { battles: { type: 'string', default: '40' }, out: { type: 'string', default: 'docs/screenshots' } } });
const battles = Number(values.battles);
const outDir = path.resolve(repoRoot, values.out ?? 'docs/screenshots');
const MODELS = ['mgm-tiny', 'mgm-tiny-hd', 'llava-tiny'];
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

type ArenaSocket = Socket<ArenaServerToClientEvents, ArenaClientToServerEvents>;

async function upload(controllerUrl: string, row: TestRow): Promise<string> {
  const bytes = await readFile(testImagePath(row));
  const response = await fetch(`${controllerUrl}/api/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: bytes });
  if (!response.ok) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { imageId: string }).imageId;
}

/** One battle on a test question, judged against the expected answer. */
async function playBattle(socket: ArenaSocket, controllerUrl: string, row: TestRow): Promise<ArenaVerdict> {
  const imageId = await upload(controllerUrl, row);
  const ends = new Map<string, string>();
  let battleId = '';
  const done = new Promise<void>((resolve) => {
    const onFrame = (frame: ArenaFrame) => {
      if (frame.battleId !== battleId) return;
      if (frame.type === 'end') ends.set(frame.side, frame.text);
      if (frame.type === 'error') ends.set(frame.side, '');
      if (ends.size === 2) {
        socket.off('frame', onFrame);
        resolve();
      }
    };
    socket.on('frame', onFrame);
  });
  const ack = await socket.timeout(30_000).emitWithAck('ask', { question: row.question, imageId, params: { temperature: 0 } });
  if (!ack.ok) throw new Error(`ask refused: ${ack.error.message}`);
  battleId = ack.battleId;
  await done;
  const right = (side: 'a' | 'b') => normalizeAnswer(ends.get(side) ?? '') === normalizeAnswer(row.answer);
  const verdict: ArenaVerdict = right('a') && right('b') ? 'tie' : right('a') ? 'a' : right('b') ? 'b' : 'both-bad';
  const vote = await socket.timeout(30_000).emitWithAck('vote', { battleId, verdict });
  if (!vote.ok) throw new Error(`vote refused: ${vote.error.message}`);
  return verdict;
}

async function compareRound(page: Page, webUrl: string, row: TestRow, followUp: string): Promise<void> {
  await page.goto(`${webUrl}/compare?models=${MODELS.join(',')}&temperature=0`, { waitUntil: 'networkidle', timeout: 120_000 });
  await page.locator('[data-testid="connection-status"][data-connected="true"]').waitFor({ timeout: 60_000 });
  await page.getByTestId('image-input').setInputFiles(testImagePath(row));
  await page.getByTestId('image-preview').first().waitFor({ state: 'attached' });
  await page.getByTestId('composer-input').fill(row.question);
  await page.getByTestId('send-button').and(page.locator(':enabled')).waitFor({ timeout: 30_000 });
  await page.getByTestId('send-button').click();
  const finished = '[data-testid="compare-answer"]:is([data-status="done"], [data-status="stopped"], [data-status="error"])';
  await page.waitForFunction((selector) => document.querySelectorAll(selector).length === 3, finished, { timeout: 180_000 });
  await page.getByTestId('composer-input').fill(followUp);
  await page.getByTestId('send-button').click();
  await page.waitForFunction((selector) => document.querySelectorAll(selector).length === 6, finished, { timeout: 180_000 });
  await page.getByTestId('vote-pane-0').click();
  await page.getByTestId('vote-recorded').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(300);
}

/** Puts the laptop and the phone screenshot side by side on one canvas. */
async function sideBySide(browser: Browser, desktop: Buffer, phone: Buffer, file: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: DESKTOP.width + PHONE.width + 72, height: PHONE.height + 48 } });
  const src = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;
  await page.setContent(`<!doctype html><body style="margin:0;background:#e2e8f0">
    <div id="c" style="display:flex;gap:24px;align-items:flex-start;padding:24px">
      <img src="${src(desktop)}" width="${DESKTOP.width}" height="${DESKTOP.height}" style="box-shadow:0 4px 16px #0f172a33;border-radius:6px">
      <img src="${src(phone)}" width="${PHONE.width}" height="${PHONE.height}" style="box-shadow:0 4px 16px #0f172a33;border-radius:18px">
    </div></body>`);
  await page.locator('#c').screenshot({ path: file });
  await page.close();
  const { size } = await stat(file);
  process.stdout.write(`${path.relative(repoRoot, file)}: ${Math.round(size / 1024)} KB\n`);
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mgm-screenshots-'));
const redisPrefix = `screenshots-${Date.now().toString(36)}`;
const stack = await startStack({
  redisPrefix,
  controllerPort: 0,
  webPort: 0,
  models: MODELS.map((model) => `models/${model}`),
  dataDir,
  output: (source, line) => {
    if (source === 'demo') process.stdout.write(`[${source}] ${line}\n`);
  },
});
let browser: Browser | undefined;
try {
  const rows = readTestSet().filter((row) => row.history.length === 0);
  const socket: ArenaSocket = io(`${stack.controllerUrl}${ARENA_NAMESPACE}`, { transports: ['websocket'] });
  const tally: Record<string, number> = {};
  for (let i = 0; i < battles; i += 1) {
    const verdict = await playBattle(socket, stack.controllerUrl, rows[(i * 7) % rows.length]!);
    tally[verdict] = (tally[verdict] ?? 0) + 1;
  }
  socket.disconnect();
  process.stdout.write(`played ${battles} arena battles: ${JSON.stringify(tally)}\n`);

  browser = await launchChromium();
  await mkdir(outDir, { recursive: true });
  await mkdir(path.join(repoRoot, 'apps/web/test-output/screenshots'), { recursive: true });
  const textRow = rows.find((row) => row.type === 'text')!;
  const shots: Record<string, Record<string, Buffer>> = { compare: {}, leaderboard: {} };
  for (const [name, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    const page = await browser.newPage({ viewport });
    page.on('pageerror', (err) => process.stderr.write(`[${name}] page error: ${err.message}\n`));
    await compareRound(page, stack.webUrl!, textRow, 'What colour is the text?');
    if (name === 'phone') await page.getByTestId('compare-turn').first().evaluate((element) => element.scrollIntoView());
    shots.compare![name] = await page.screenshot();
    await page.goto(`${stack.webUrl}/leaderboard`, { waitUntil: 'networkidle' });
    await page.getByTestId('leaderboard-table').waitFor({ timeout: 30_000 });
    shots.leaderboard![name] = await page.screenshot();
    // The arena after a vote, for looking at (not committed).
    await page.goto(`${stack.webUrl}/arena`, { waitUntil: 'networkidle' });
    await page.locator('[data-testid="connection-status"][data-connected="true"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('image-input').setInputFiles(testImagePath(textRow));
    await page.getByTestId('composer-input').fill(textRow.question);
    await page.getByTestId('send-button').and(page.locator(':enabled')).waitFor({ timeout: 30_000 });
    await page.getByTestId('send-button').click();
    await page.getByTestId('vote-tie').and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
    await page.screenshot({ path: path.join(repoRoot, 'apps/web/test-output/screenshots', `arena-${name}-hidden.png`) });
    await page.getByTestId('vote-tie').click();
    await page.getByTestId('arena-reveal').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(repoRoot, 'apps/web/test-output/screenshots', `arena-${name}-revealed.png`) });
    await page.close();
  }
  for (const name of ['compare', 'leaderboard'] as const) {
    await sideBySide(browser, shots[name]!.desktop!, shots[name]!.phone!, path.join(outDir, `${name}.png`));
  }
} finally {
  await browser?.close();
  await stack.stop();
  if (!stack.privateRedis) await deleteKeysWithPrefix(stack.redisUrl, redisPrefix);
  await rm(dataDir, { recursive: true, force: true });
}
