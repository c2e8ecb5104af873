/**
 * `npm run bench:uploads`: how a controller process copes with large uploads and a large
 * leaderboard (issue 14, item 7).
 *
 * 1. Uploads: starts a controller (its own Redis prefix and data directory, upload rate limit
 *    off), then sends `--uploads` (8) near-limit JPEGs at once (7716×5145 = 39.7 megapixels, the
 *    limit is 40) while a probe asks `/healthz` one request after the other. Reports the probe's
 *    p50 / p99 / max latency while the uploads run, the upload statuses and wall time, and the
 *    controller's RSS: before, peak (sampled every 25 ms, and the kernel's VmHWM), and
 *    `--settle-s` (10) seconds after the last upload.
 * 2. Leaderboard: the same controller was started on a votes.jsonl of `--votes` (20 000)
 *    counted blind votes among 10 models. Times `GET /api/leaderboard` (first, again, and after
 *    one more vote was appended to the file) with the `/healthz` probe running, and reports the
 *    probe's worst latency during each.
 *
 * Options: --runtime source|dist (source: tsx, the code as it is now; dist: `npm run build`
 * first), --uploads N, --votes N, --settle-s N, --json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { voteRecordSchema, type VoteRecord } from '@mgm/protocol';
import { sampleVote } from '../test/sample-votes.ts';
import { seededRandom } from '@mgm/protocol';

const { values } = parseArgs({
  options: {
    runtime: { type: 'string', default: 'source' },
    uploads: { type: 'string', default: '8' },
    votes: { type: 'string', default: '20000' },
    'settle-s': { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  },
});
const runtime = values.runtime === 'dist' ? 'dist' : 'source';
const uploads = Number(values.uploads);
const voteCount = Number(values.votes);
const settleMs = Number(values['settle-s']) * 1000;
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const log = (line: string) => {
  if (!values.json) console.log(line);
};

/** A photo-like JPEG just under the pixel limit (smooth gradients, edges and grain), cached in tmp. */
async function nearLimitJpeg(): Promise<Buffer> {
  const file = path.join(tmpdir(), 'mgm-bench-upload-7716x5145.jpg');
  if (existsSync(file)) return readFileSync(file);
  const width = 7716;
  const height = 5145;
  const raw = Buffer.allocUnsafe(width * height * 3);
  const random = seededRandom(7);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const grain = (random() - 0.5) * 24;
      const stripe = ((x >> 6) + (y >> 6)) & 1 ? 30 : 0;
      raw[i] = clampByte((x / width) * 200 + stripe + grain);
      raw[i + 1] = clampByte((y / height) * 200 + grain);
      raw[i + 2] = clampByte(128 + 100 * Math.sin(x / 97 + y / 131) + grain);
    }
  }
  const jpeg = await sharp(raw, { raw: { width, height, channels: 3 }, limitInputPixels: false }).jpeg({ quality: 85 }).toBuffer();
  await writeFile(file, jpeg);
  return jpeg;
}

const clampByte = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** Counted blind arena votes among 10 models of different strengths (seeded). */
function syntheticVotes(n: number, seed: number, start = Date.now() - n * 1000): VoteRecord[] {
  const random = seededRandom(seed);
  const models = Array.from({ length: 10 }, (_, i) => `bench-model-${i}`);
  const base = sampleVote();
  const votes: VoteRecord[] = [];
  for (let t = 0; t < n; t++) {
    const i = Math.floor(random() * 10);
    let j = Math.floor(random() * 9);
    if (j >= i) j += 1;
    const r = random();
    const pa = Math.exp(0.3 * i) / (Math.exp(0.3 * i) + Math.exp(0.3 * j));
    const choice: VoteRecord['choice'] = r < 0.2 ? { type: 'tie' } : r < 0.25 ? { type: 'all-bad' } : { type: 'pane', pane: random() < pa ? 0 : 1 };
    const [paneA, paneB] = base.panes as [VoteRecord['panes'][0], VoteRecord['panes'][0]];
    votes.push(
      voteRecordSchema.parse({
        ...base,
        id: `bench-${seed}-${t}`,
        recordedAt: start + t,
        battleId: `battle-${t}`,
        choice,
        panes: [{ ...paneA, model: models[i] }, { ...paneB, model: models[j] }],
      }),
    );
  }
  return votes;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** Asks /healthz one request after the other until stopped; records each latency. */
function startProbe(url: string): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      const res = await fetch(`${url}/healthz`).catch(() => null);
      await res?.arrayBuffer().catch(() => undefined);
      latencies.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return latencies;
    },
  };
}

function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the controller exited (${child.exitCode})`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the controller did not answer /healthz in 120 s');
}

async function timeLeaderboard(url: string): Promise<{ ms: number; status: number; healthzMaxMs: number; counted: number }> {
  const probe = startProbe(url);
  const t0 = performance.now();
  const res = await fetch(`${url}/api/leaderboard`);
  const body = (await res.json()) as { votes?: { counted?: number } };
  const ms = performance.now() - t0;
  const latencies = await probe.stop();
  return { ms, status: res.status, healthzMaxMs: Math.max(...latencies), counted: body.votes?.counted ?? -1 };
}

async function main(): Promise<void> {
  const jpeg = await nearLimitJpeg();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mgm-bench-uploads-'));
  await writeFile(path.join(dataDir, 'votes.jsonl'), syntheticVotes(voteCount, 1).map((v) => `${JSON.stringify(v)}\n`).join(''));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const entry =
    runtime === 'dist'
      ? ['--conditions=mgm-dist', 'apps/controller/dist/main.js']
      : ['--import', 'tsx', 'apps/controller/src/main.ts'];
  const child = spawn(process.execPath, entry, {
    cwd: repoRoot,
    env: {
      ...process.env,
      CONTROLLER_PORT: String(port),
      CONTROLLER_HOST: '127.0.0.1',
      REDIS_PREFIX: `bench-uploads-${randomBytes(4).toString('hex')}`,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      LIMIT_UPLOADS_PER_MIN_IP: '0',
      IMAGE_TTL_S: '60',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    await waitHealthy(url, child);
    const pid = child.pid!;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = memoryOf(pid);
    log(`controller (${runtime}) pid ${pid}: RSS ${before.rssMb.toFixed(0)} MB idle; upload ${(jpeg.length / 1024 / 1024).toFixed(1)} MiB JPEG, 7716x5145`);

    let peakRss = before.rssMb;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, memoryOf(pid).rssMb);
    }, 25);
    const probe = startProbe(url);
    const t0 = performance.now();
    const results = await Promise.all(
      Array.from({ length: uploads }, async () => {
        const res = await fetch(`${url}/api/images`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: jpeg });
        const body = await res.text();
        return { status: res.status, retryAfter: res.headers.get('retry-after'), body, ms: performance.now() - t0 };
      }),
    );
    const uploadsMs = performance.now() - t0;
    const latencies = await probe.stop();
    const afterUploads = memoryOf(pid);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    clearInterval(sampler);
    const settled = memoryOf(pid);
    const statuses = results.map((r) => r.status);
    const healthz = { n: latencies.length, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: Math.max(...latencies) };
    log(`${uploads} concurrent uploads: statuses ${statuses.join(' ')} in ${(uploadsMs / 1000).toFixed(1)} s`);
    for (const r of results.filter((r) => r.status !== 201)) log(`  ${r.status} retry-after=${r.retryAfter}: ${r.body.slice(0, 200)}`);
    log(`/healthz during the uploads (${healthz.n} probes): p50 ${healthz.p50.toFixed(1)} ms, p99 ${healthz.p99.toFixed(1)} ms, max ${healthz.max.toFixed(1)} ms`);
    log(`RSS: idle ${before.rssMb.toFixed(0)} MB, peak ${peakRss.toFixed(0)} MB (VmHWM ${settled.hwmMb.toFixed(0)} MB), at the end ${afterUploads.rssMb.toFixed(0)} MB, ${settleMs / 1000} s later ${settled.rssMb.toFixed(0)} MB`);

    const first = await timeLeaderboard(url);
    const again = await timeLeaderboard(url);
    await appendFile(path.join(dataDir, 'votes.jsonl'), `${JSON.stringify(syntheticVotes(1, 2)[0])}\n`);
    const afterVote = await timeLeaderboard(url);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const settledBoard = await timeLeaderboard(url);
    const line = (name: string, r: Awaited<ReturnType<typeof timeLeaderboard>>) =>
      log(`  ${name}: ${r.ms.toFixed(0)} ms (status ${r.status}, ${r.counted} counted), /healthz worst ${r.healthzMaxMs.toFixed(0)} ms meanwhile`);
    log(`GET /api/leaderboard with ${voteCount} votes:`);
    line('first', first);
    line('again', again);
    line('after one more vote', afterVote);
    line('3 s later', settledBoard);
    if (values.json) {
      console.log(JSON.stringify({ runtime, uploads, statuses, uploadsMs, healthz, rss: { idle: before.rssMb, peak: peakRss, hwm: settled.hwmMb, end: afterUploads.rssMb, settled: settled.rssMb }, leaderboard: { first, again, afterVote, settled: settledBoard } }));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
