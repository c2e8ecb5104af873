/**
 * `npm run bench:batch`: N concurrent streams (1, 2, 4, 8, 16) against one worker process, with
 * continuous batching on (`--max-batch 16`) and off (`--max-batch 1`, one answer at a time), in
 * one run. Each stream is a client that enqueues a question on the worker's BullMQ queue, reads
 * its frames from the job's Redis Stream until the end frame, and asks the next one. Questions
 * cycle through the test set's description and generation items (long answers, prompts of
 * different lengths), greedy, up to --max-new-tokens.
 *
 * Reports per mode and N, as medians over --rounds rounds (modes alternate within a round):
 * aggregate tokens/s (all tokens generated ÷ the client's wall time), per-stream tokens/s (median
 * over the answers of the decode speed the worker reports in the end frame: (generated − 1) ÷
 * (last token − first token)), TTFT p50/p95 (queue time + the worker's TTFT), the client-side
 * TTFT p50 (enqueue to the first delta frame read), and the mean rows per decode step the
 * batching worker reported.
 * `speedup_at_8` = aggregate tokens/s at 8 streams, batched ÷ one at a time; `per_stream_at_8` =
 * a batched stream's tokens/s at 8 streams ÷ a lone stream's (1 stream, batching off).
 *
 * Options: --model (models/mgm-tiny), --streams 1,2,4,8,16, --requests N per stream per round (3),
 * --rounds N (3), --max-new-tokens N (64), --threads N (onnxruntime threads of the worker: 2),
 * --max-batch N (the batched worker's, 16), --layout exact|packed, --prefill-thread auto|on|off and
 * --prefill-threads N (the batched worker's: vision + prefill on a thread of their own, auto = on,
 * with N onnxruntime threads, 1), --worker-node-args='…' (extra node
 * flags of both workers, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof'), --json (last line one JSON object).
 * Needs the Redis at REDIS_URL (default redis://127.0.0.1:6379); its keys use a unique prefix and
 * are removed at the end.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  type RedisKeys,
  decodeFrameEntry,
  queueNameForModel,
  redisKeys,
  streamIdAfterSeq,
  workerRecordSchema,
} from '@mgm/protocol';
import { type ManagedChild, startChild } from '../../../scripts/child-process.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/mgm-tiny' },
    streams: { type: 'string', default: '1,2,4,8,16' },
    requests: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    'max-new-tokens': { type: 'string', default: '64' },
    threads: { type: 'string', default: '2' },
    'max-batch': { type: 'string', default: '16' },
    layout: { type: 'string', default: 'exact' },
    'prefill-thread': { type: 'string', default: 'auto' },
    'prefill-threads': { type: 'string', default: '1' },
    'worker-node-args': { type: 'string', default: '' },
    json: { type: 'boolean', default: false },
  },
});
const int = (name: string, v: string | undefined, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${v}`);
  return n;
};
const streamCounts = (values.streams ?? '').split(',').map((s) => int('streams', s, 1));
const requestsPerStream = int('requests', values.requests, 1);
const rounds = int('rounds', values.rounds, 1);
const maxNewTokens = int('max-new-tokens', values['max-new-tokens'], 2);
const threads = int('threads', values.threads, 1);
const maxBatch = int('max-batch', values['max-batch'], 2);
if (values.layout !== 'exact' && values.layout !== 'packed') throw new Error('--layout is exact or packed');
const prefillThread = values['prefill-thread'] as string;
if (!['auto', 'on', 'off'].includes(prefillThread)) throw new Error('--prefill-thread is auto, on or off');
const prefillThreads = int('prefill-threads', values['prefill-threads'], 1);
const checkpoint = path.resolve(repoRoot, values.model ?? 'models/mgm-tiny');
const manifest = JSON.parse(readFileSync(path.join(checkpoint, 'mgm.json'), 'utf8')) as { name: string };
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (line: string) => {
  if (!values.json) process.stdout.write(`${line}\n`);
};

interface Item {
  image: string;
  question: string;
  history: { question: string; answer: string }[];
}
const testSet = path.join(repoRoot, 'models/eval/test.jsonl');
if (!existsSync(testSet)) throw new Error(`the benchmark asks the test set's questions: ${testSet} is missing`);
const items: Item[] = readFileSync(testSet, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as Item & { type: string })
  .filter((item) => item.type === 'description' || item.type === 'generation');

type Mode = 'batched' | 'one-at-a-time';
interface WorkerHandle {
  mode: Mode;
  keys: RedisKeys;
  queue: Queue;
  connection: Redis;
  child: ManagedChild;
  id: string;
}

interface Answer {
  /** Enqueue to the first token, by the worker's timings (queue + ttft). */
  ttftMs: number;
  /** Enqueue to the first delta frame read by this client. */
  clientTtftMs: number;
  tokensPerSecond: number | null;
  generated: number;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i] as number;
}
const median = (xs: number[]) => percentile(xs, 50);
const round1 = (x: number) => Math.round(x * 10) / 10;

const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
await redis.connect().catch((error: unknown) => {
  throw new Error(`bench:batch needs Redis at ${redisUrl}: ${(error as Error).message}`);
});
const runId = `bench-batch-${randomBytes(3).toString('hex')}`;
const images = new Map<string, string>();

async function startWorker(mode: Mode): Promise<WorkerHandle> {
  const prefix = `${runId}-${mode === 'batched' ? 'on' : 'off'}`;
  const keys = redisKeys(prefix);
  const id = `${manifest.name}-${mode}`;
  const child = startChild(
    `worker:${mode}`,
    process.execPath,
    [
      ...(values['worker-node-args'] ?? '').split(' ').filter(Boolean),
      ...['--import', 'tsx', 'apps/worker/src/main.ts', '--model', checkpoint, '--id', id, '--threads', String(threads)],
      ...['--max-batch', String(mode === 'batched' ? maxBatch : 1), '--batch-layout', values.layout as string],
      // The one-at-a-time worker stays the plain worker (auto: no prefill thread at --max-batch 1).
      ...(mode === 'batched' ? ['--prefill-thread', prefillThread, '--prefill-threads', String(prefillThreads)] : []),
    ],
    { cwd: repoRoot, env: { ...process.env, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', WORKER_DRAIN_TIMEOUT_MS: '0', WORKER_HEARTBEAT_MS: '300' } },
    (source, line) => process.stderr.write(`[${source}] ${line}\n`),
  );
  const deadline = Date.now() + 120_000;
  for (;;) {
    const raw = await redis.get(keys.worker(id));
    if (raw && workerRecordSchema.parse(JSON.parse(raw)).state === 'ready') break;
    if (child.child.exitCode !== null) throw new Error(`the ${mode} worker exited: ${child.tail()}`);
    if (Date.now() > deadline) throw new Error(`the ${mode} worker did not get ready: ${child.tail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // The same image bytes under each prefix (the worker reads `<prefix>:image:<id>`).
  for (const item of items) {
    const bytes = readFileSync(path.join(repoRoot, 'models/eval', item.image));
    const imageId = createHash('sha256').update(bytes).digest('hex');
    images.set(item.image, imageId);
    await redis.set(keys.image(imageId), bytes);
  }
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(queueNameForModel(manifest.name), { connection, prefix: keys.bullPrefix });
  return { mode, keys, queue, connection, child, id };
}

let asked = 0;
/** One request through the worker: enqueue, then follow the frames to the end. */
async function ask(w: WorkerHandle, reader: Redis): Promise<Answer> {
  const item = items[asked++ % items.length] as Item;
  const jobId = randomUUID();
  const messages = [
    ...item.history.flatMap((h) => [
      { role: 'user' as const, content: h.question },
      { role: 'assistant' as const, content: h.answer },
    ]),
    { role: 'user' as const, content: item.question },
  ];
  const t0 = performance.now();
  await w.queue.add(
    'generate',
    {
      jobId,
      requestId: jobId,
      model: manifest.name,
      messages,
      imageId: images.get(item.image),
      imageMode: 'default',
      params: { temperature: 0, maxNewTokens },
      enqueuedAt: Date.now(),
    },
    { jobId, attempts: 1, removeOnComplete: true, removeOnFail: true },
  );
  let after = -1;
  let first = Number.NaN;
  // A job may wait in the queue behind many others (one at a time, 16 streams, busy machine).
  const deadline = Date.now() + 300_000;
  for (;;) {
    const result = await reader.xread('COUNT', 100, 'BLOCK', 5000, 'STREAMS', w.keys.jobStream(jobId), streamIdAfterSeq(after));
    if (!result) {
      if (Date.now() > deadline) throw new Error(`no end frame from the ${w.mode} worker within 300 s for job ${jobId}`);
      continue;
    }
    for (const [, entries] of result) {
      for (const [id, fields] of entries) {
        const frame = decodeFrameEntry(jobId, id, fields);
        after = frame.seq;
        if (frame.type === 'delta' && Number.isNaN(first)) first = performance.now();
        if (frame.type === 'error') throw new Error(`the ${w.mode} worker answered ${frame.code}: ${frame.message}`);
        if (frame.type === 'end') {
          // The worker's own clock: queue time + its TTFT, and its decode speed for this answer
          // (the client's view of both is blurred by the 16 ms delta interval and by its own
          // scheduling on a busy machine).
          const generated = frame.tokens.generated;
          return {
            ttftMs: frame.timingsMs.queue + frame.timingsMs.ttft,
            clientTtftMs: (Number.isNaN(first) ? performance.now() : first) - t0,
            tokensPerSecond: generated > 1 && frame.tokensPerSecond > 0 ? frame.tokensPerSecond : null,
            generated,
          };
        }
      }
    }
  }
}

interface RoundResult {
  aggregate: number;
  perStream: number;
  ttfts: number[];
  clientTtfts: number[];
  /** The worker process's CPU time (all its threads) per generated token, in ms. */
  cpuMsPerToken: number | null;
}

/**
 * CPU time the worker process has used so far (user + system, every thread: onnxruntime's pool
 * included), in ms, from /proc (Linux); null elsewhere. Load from other processes slows the
 * worker's wall clock but barely its CPU time, so the ratio of the two modes' CPU per token is
 * the figure a busy machine disturbs least.
 */
function workerCpuMs(w: WorkerHandle): number | null {
  const pid = w.child.child.pid;
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return null;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}
/** USER_HZ: 100 on every Linux build this runs on (sysconf is not reachable from Node). */
const CLOCK_TICKS_PER_SECOND = 100;

/** N closed-loop streams, each asking `requestsPerStream` questions one after the other. */
async function runStreams(w: WorkerHandle, n: number, readers: Redis[]): Promise<RoundResult> {
  const answers: Answer[] = [];
  const cpu0 = workerCpuMs(w);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, async (_, s) => {
      for (let r = 0; r < requestsPerStream; r += 1) answers.push(await ask(w, readers[s] as Redis));
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const tokens = answers.reduce((sum, a) => sum + a.generated, 0);
  const cpu1 = workerCpuMs(w);
  return {
    cpuMsPerToken: cpu0 === null || cpu1 === null || tokens === 0 ? null : (cpu1 - cpu0) / tokens,
    aggregate: tokens / wall,
    perStream: median(answers.flatMap((a) => (a.tokensPerSecond === null ? [] : [a.tokensPerSecond]))),
    ttfts: answers.map((a) => a.ttftMs),
    clientTtfts: answers.map((a) => a.clientTtftMs),
  };
}

const workers: WorkerHandle[] = [];
/** Warm-up runs 2 streams, so at least 2 readers even for `--streams 1`. */
const WARM_UP_STREAMS = 2;
const readers = Array.from({ length: Math.max(WARM_UP_STREAMS, ...streamCounts) }, () => new Redis(redisUrl, { maxRetriesPerRequest: null }));
const load0 = loadavg()[0] as number;
try {
  log(`checkpoint ${path.relative(repoRoot, checkpoint)} · streams ${streamCounts.join(',')} · ${requestsPerStream} requests per stream · ${rounds} rounds · max ${maxNewTokens} new tokens · ${threads} threads · batched worker --max-batch ${maxBatch} --batch-layout ${values.layout} --prefill-thread ${prefillThread} --prefill-threads ${prefillThreads}`);
  workers.push(await startWorker('batched'), await startWorker('one-at-a-time'));
  // Warm-up: a few answers on each worker.
  for (const w of workers) await runStreams(w, WARM_UP_STREAMS, readers);

  const samples = new Map<string, RoundResult[]>();
  const rowsPerStep = new Map<number, number | null>();
  for (const n of streamCounts) {
    const before = await meanRowsPerStepCounts(workers[0] as WorkerHandle);
    for (let r = 0; r < rounds; r += 1) {
      for (const w of r % 2 === 0 ? workers : [...workers].reverse()) {
        const key = `${w.mode}:${n}`;
        samples.set(key, [...(samples.get(key) ?? []), await runStreams(w, n, readers)]);
      }
    }
    rowsPerStep.set(n, meanOfDelta(before, await meanRowsPerStepCounts(workers[0] as WorkerHandle)));
  }

  interface Row {
    mode: Mode;
    streams: number;
    aggregateTokensPerSecond: number;
    perStreamTokensPerSecond: number;
    ttftMsP50: number;
    ttftMsP95: number;
    clientTtftMsP50: number;
    meanRowsPerStep: number | null;
    workerCpuMsPerToken: number | null;
  }
  const results: Row[] = [];
  for (const n of streamCounts) {
    for (const mode of ['batched', 'one-at-a-time'] as const) {
      const rs = samples.get(`${mode}:${n}`) ?? [];
      results.push({
        mode,
        streams: n,
        aggregateTokensPerSecond: round1(median(rs.map((r) => r.aggregate))),
        perStreamTokensPerSecond: round1(median(rs.map((r) => r.perStream))),
        ttftMsP50: round1(median(rs.map((r) => percentile(r.ttfts, 50)))),
        ttftMsP95: round1(median(rs.map((r) => percentile(r.ttfts, 95)))),
        clientTtftMsP50: round1(median(rs.map((r) => percentile(r.clientTtfts, 50)))),
        meanRowsPerStep: mode === 'batched' ? (rowsPerStep.get(n) === null ? null : round1(rowsPerStep.get(n) as number)) : 1,
        workerCpuMsPerToken: cpuPerToken(rs),
      });
    }
  }
  const at = (mode: Mode, n: number) => results.find((r) => r.mode === mode && r.streams === n);
  const speedupAt8 = at('batched', 8) && at('one-at-a-time', 8) ? (at('batched', 8)!.aggregateTokensPerSecond / at('one-at-a-time', 8)!.aggregateTokensPerSecond) : null;
  const cpuAt8 = (mode: Mode) => at(mode, 8)?.workerCpuMsPerToken ?? null;
  const cpuSpeedupAt8 = cpuAt8('batched') && cpuAt8('one-at-a-time') ? (cpuAt8('one-at-a-time') as number) / (cpuAt8('batched') as number) : null;
  const lone = at('one-at-a-time', 1)?.perStreamTokensPerSecond;
  const perStreamAt8 = at('batched', 8) && lone ? at('batched', 8)!.perStreamTokensPerSecond / lone : null;

  log('');
  log('| mode | streams | aggregate tok/s | per-stream tok/s | TTFT p50 (ms) | TTFT p95 (ms) | client TTFT p50 (ms) | rows per decode step | worker CPU ms per token |');
  log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    log(`| ${r.mode} | ${r.streams} | ${r.aggregateTokensPerSecond} | ${r.perStreamTokensPerSecond} | ${r.ttftMsP50} | ${r.ttftMsP95} | ${r.clientTtftMsP50} | ${r.meanRowsPerStep ?? '–'} | ${r.workerCpuMsPerToken ?? '–'} |`);
  }
  log('');
  log(`speedup at 8 streams (aggregate, batched ÷ one at a time): ${speedupAt8?.toFixed(2) ?? 'n/a'} (target ≥ 3)`);
  log(`per-stream speed at 8 streams (batched ÷ a lone stream): ${perStreamAt8?.toFixed(2) ?? 'n/a'} (target ≥ 0.5)`);
  log(`worker CPU per token at 8 streams, one at a time ÷ batched: ${cpuSpeedupAt8?.toFixed(2) ?? 'n/a'} (the speedup a machine with the worker's cores to itself would see)`);
  log(`load average at start / end: ${load0.toFixed(2)} / ${(loadavg()[0] as number).toFixed(2)} (shared machine)`);
  const summary = {
    model: manifest.name,
    threads,
    maxBatch,
    layout: values.layout,
    prefillThread,
    prefillThreads,
    rounds,
    requestsPerStream,
    maxNewTokens,
    loadAverage: { start: round1(load0), end: round1(loadavg()[0] as number) },
    results,
    speedup_at_8: speedupAt8 === null ? null : Math.round(speedupAt8 * 100) / 100,
    per_stream_at_8: perStreamAt8 === null ? null : Math.round(perStreamAt8 * 100) / 100,
    cpu_speedup_at_8: cpuSpeedupAt8 === null ? null : Math.round(cpuSpeedupAt8 * 100) / 100,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  for (const w of workers) {
    await w.child.stop(5000);
    await w.queue.close();
    await w.connection.quit().catch(() => undefined);
  }
  for (const r of readers) r.disconnect();
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${runId}-*`, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) await redis.del(...found);
  } while (cursor !== '0');
  await redis.quit();
}

/** Median over rounds of the worker's CPU ms per token (null without /proc). */
function cpuPerToken(rs: RoundResult[]): number | null {
  const xs = rs.flatMap((r) => (r.cpuMsPerToken === null ? [] : [r.cpuMsPerToken]));
  return xs.length === 0 ? null : Math.round(median(xs) * 100) / 100;
}

/** The batching worker's decode steps by batch size, from its record (refreshed every 300 ms here). */
async function meanRowsPerStepCounts(w: WorkerHandle): Promise<number[]> {
  await new Promise((r) => setTimeout(r, 400));
  const raw = await redis.get(w.keys.worker(w.id));
  return (raw ? workerRecordSchema.parse(JSON.parse(raw)).batch?.stepsByBatchSize : undefined) ?? [];
}

/** Mean rows per decode step between two snapshots of the steps-by-batch-size counts. */
function meanOfDelta(before: number[], after: number[]): number | null {
  let steps = 0;
  let rows = 0;
  after.forEach((n, size) => {
    const d = n - (before[size] ?? 0);
    steps += d;
    rows += d * size;
  });
  return steps === 0 ? null : rows / steps;
}
