/**
 * `npm run bench:load`: many clients at once against a few workers of one checkpoint (issue 16's
 * load test: 200 clients, 3 mgm-tiny workers), once per `--max-batch` setting, each on a fresh
 * stack. Every client connects first, then all ask one question (a test-set description, greedy,
 * the same uploaded image) in the same tick; reported per setting: answers completed and errored,
 * client-seen time to first token p50 / p95, wall time from the first question to the last end.
 *
 * The per-client limits would refuse 200 questions from one address at once, so this stack runs
 * with them raised: the bench measures serving, not the limiter.
 *
 * Options: --clients N (200), --workers N (3), --model <dir> (models/mgm-tiny), --max-batch list
 * (default "1,8": one at a time, then the worker's default batch), --threads N (onnxruntime threads
 * per worker, 1), --max-new-tokens N (64), --json (one JSON line).
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { io as connectSocket, type Socket } from 'socket.io-client';
import type { ClientFrame, ClientToServerEvents, GenerateAck, ServerToClientEvents } from '@mgm/protocol';
import { repoRoot, startStack } from '../../../scripts/stack.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    workers: { type: 'string', default: '3' },
    model: { type: 'string', default: 'models/mgm-tiny' },
    'max-batch': { type: 'string', default: '1,8' },
    threads: { type: 'string', default: '1' },
    'max-new-tokens': { type: 'string', default: '64' },
    json: { type: 'boolean', default: false },
  },
});
const clients = Number(values.clients);
const workers = Number(values.workers);
const threads = Number(values.threads);
const maxNewTokens = Number(values['max-new-tokens']);
const batches = values['max-batch'].split(',').map(Number);
if (![clients, workers, threads, maxNewTokens, ...batches].every((n) => Number.isInteger(n) && n >= 1)) {
  throw new Error('--clients, --workers, --threads, --max-new-tokens and every --max-batch value are whole numbers >= 1');
}
const checkpoint = path.resolve(repoRoot, values.model);
const evalDir = path.join(repoRoot, 'models/eval');
const item = readFileSync(path.join(evalDir, 'test.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { image: string; question: string; type: string })
  .find((record) => record.type === 'description');
if (!item) throw new Error('models/eval/test.jsonl has no description question');
const log = (line: string) => {
  if (!values.json) process.stdout.write(`${line}\n`);
};

interface ClientOutcome {
  ok: boolean;
  ttftMs: number | null;
  endedAt: number;
  error?: string;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function open(url: string): Promise<ClientSocket> {
  const socket: ClientSocket = connectSocket(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** One client's question, from the emit to its end or error frame. */
function ask(socket: ClientSocket, model: string, imageId: string, startedAt: number): Promise<ClientOutcome> {
  return new Promise<ClientOutcome>((resolve) => {
    let first: number | null = null;
    let jobId = '';
    const early: ClientFrame[] = [];
    const settle = (frame: ClientFrame) => {
      if (frame.type === 'delta' && first === null) first = performance.now() - startedAt;
      if (frame.type === 'end' || frame.type === 'error') {
        socket.off('frame', onFrame);
        resolve(frame.type === 'end' ? { ok: true, ttftMs: first, endedAt: performance.now() } : { ok: false, ttftMs: first, endedAt: performance.now(), error: frame.code });
      }
    };
    const onFrame = (frame: ClientFrame) => {
      if (jobId === '') early.push(frame);
      else if (frame.jobId === jobId) settle(frame);
    };
    socket.on('frame', onFrame);
    socket
      .timeout(120_000)
      .emitWithAck('generate', { messages: [{ role: 'user', content: item!.question }], models: [model], imageId, params: { temperature: 0, maxNewTokens } })
      .then((ack: GenerateAck) => {
        if (!ack.ok) {
          socket.off('frame', onFrame);
          resolve({ ok: false, ttftMs: null, endedAt: performance.now(), error: ack.error.code });
          return;
        }
        jobId = ack.jobs[0]!.jobId;
        for (const frame of early.splice(0)) if (frame.jobId === jobId) settle(frame);
      })
      .catch(() => {
        socket.off('frame', onFrame);
        resolve({ ok: false, ttftMs: null, endedAt: performance.now(), error: 'NO_ACK' });
      });
  });
}

async function runSetting(maxBatch: number) {
  const stack = await startStack({
    redisPrefix: `bench-load-${process.pid}-${maxBatch}`,
    controllerPort: 0,
    webPort: null,
    models: Array.from({ length: workers }, () => checkpoint),
    workerThreads: threads,
    env: {
      WORKER_MAX_BATCH: String(maxBatch),
      LIMIT_REQUESTS_PER_MIN_IP: '1000000',
      LIMIT_REQUESTS_PER_MIN_SESSION: '1000000',
      LIMIT_JOBS_IN_FLIGHT_IP: '1000000',
      LIMIT_JOBS_IN_FLIGHT_SESSION: '1000000',
    },
    output: (source, line) => {
      if (!values.json) process.stderr.write(`[${source}] ${line}\n`);
    },
  });
  const sockets: ClientSocket[] = [];
  try {
    const upload = await fetch(`${stack.controllerUrl}/api/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: readFileSync(path.join(evalDir, item!.image)) });
    if (upload.status !== 201) throw new Error(`upload failed: ${upload.status} ${await upload.text()}`);
    const { imageId } = (await upload.json()) as { imageId: string };
    const model = path.basename(checkpoint);
    // A warm-up answer per worker, so no first question pays for a cold session.
    const warm = await open(stack.controllerUrl);
    sockets.push(warm);
    await Promise.all(Array.from({ length: workers }, () => ask(warm, model, imageId, performance.now())));
    for (let i = 0; i < clients; i += 1) sockets.push(await open(stack.controllerUrl));
    const load = loadavg()[0]!;
    const startedAt = performance.now();
    const outcomes = await Promise.all(sockets.slice(1).map((socket) => ask(socket, model, imageId, startedAt)));
    const ttfts = outcomes.flatMap((o) => (o.ok && o.ttftMs !== null ? [o.ttftMs] : [])).sort((a, b) => a - b);
    const errors: Record<string, number> = {};
    for (const o of outcomes) if (!o.ok) errors[o.error ?? 'unknown'] = (errors[o.error ?? 'unknown'] ?? 0) + 1;
    return {
      maxBatch,
      completed: outcomes.filter((o) => o.ok).length,
      errored: outcomes.filter((o) => !o.ok).length,
      errors,
      ttftMsP50: percentile(ttfts, 0.5),
      ttftMsP95: percentile(ttfts, 0.95),
      wallS: Number(((Math.max(...outcomes.map((o) => o.endedAt)) - startedAt) / 1000).toFixed(2)),
      loadAverageAtStart: Number(load.toFixed(2)),
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    await stack.stop();
  }
}

const results = [];
for (const maxBatch of batches) {
  log(`${clients} clients · ${workers} workers of ${path.relative(repoRoot, checkpoint)} · --max-batch ${maxBatch} · ${threads} thread(s) each`);
  const result = await runSetting(maxBatch);
  results.push(result);
  log(
    `  completed ${result.completed}, errored ${result.errored}${result.errored ? ` ${JSON.stringify(result.errors)}` : ''} · TTFT p50 ${result.ttftMsP50?.toFixed(0)} ms, p95 ${result.ttftMsP95?.toFixed(0)} ms · wall ${result.wallS} s · load ${result.loadAverageAtStart}`,
  );
}
const summary = { clients, workers, model: path.relative(repoRoot, checkpoint), threads, maxNewTokens, cpus: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}`, results };
if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
