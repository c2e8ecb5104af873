/**
 * `npm run bench:eval-ttft`: does an evaluation run slow down a person's chat question? Starts
 * the stack with the shipped checkpoints (one worker each), asks chat questions one after the
 * other while the fleet is idle, then starts an evaluation run over the shipped test set on
 * every model and asks the same chat questions while it goes; stops the run. Reports, per
 * phase, the median and p90 of the client-seen time to first token and of the queue time.
 *
 * The TTFT under a run includes waiting for the evaluation question the worker is answering at
 * that moment (a job is never pre-empted); the priority only guarantees the chat question is the
 * next one taken. Options: --runs N (20 chat questions per phase), --model ID (the model asked;
 * default the first checkpoint's), --threads N (intra-op threads per worker, default 1), --json.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { io as connectSocket, type Socket } from 'socket.io-client';
import type { EvaluationRun, EvaluationSnapshot } from '@mgm/evaluation';
import type { ClientFrame, ClientToServerEvents, GenerateAck, ServerToClientEvents } from '@mgm/protocol';
import { defaultModels, repoRoot, startStack } from '../../../scripts/stack.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    model: { type: 'string' },
    threads: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be >= 1');
const log = (line: string) => {
  if (!values.json) process.stdout.write(`${line}\n`);
};

interface Sample {
  ttftMs: number;
  queueMs: number;
}

const items = readFileSync(path.join(repoRoot, 'models/eval/test.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { image: string; question: string; type: string })
  .filter((item) => item.type !== 'description' && item.type !== 'generation');

const dataDir = mkdtempSync(path.join(tmpdir(), 'mgm-bench-eval-'));
const stack = await startStack({
  privateRedis: true,
  dataDir,
  redisPrefix: `bench-eval-${process.pid}`,
  controllerPort: 0,
  webPort: null,
  models: defaultModels,
  workerThreads: Number(values.threads),
  output: (source, line) => process.stderr.write(`[${source}] ${line}\n`),
});
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connectSocket(stack.controllerUrl, { transports: ['websocket'] });
const auth = { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' };

async function upload(file: string): Promise<string> {
  const res = await fetch(`${stack.controllerUrl}/api/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: readFileSync(file) });
  return ((await res.json()) as { imageId: string }).imageId;
}

async function ask(model: string, imageId: string, question: string): Promise<Sample> {
  const frames: ClientFrame[] = [];
  const sent = performance.now();
  let firstDelta = 0;
  const onFrame = (frame: ClientFrame) => {
    if (frame.type === 'delta' && firstDelta === 0) firstDelta = performance.now();
    frames.push(frame);
  };
  socket.on('frame', onFrame);
  try {
    const ack: GenerateAck = await socket.timeout(10_000).emitWithAck('generate', { messages: [{ role: 'user', content: question }], models: [model], imageId, params: { temperature: 0, maxNewTokens: 16 } });
    if (!ack.ok) throw new Error(ack.error.message);
    const jobId = ack.jobs[0]!.jobId;
    while (!frames.some((f) => f.jobId === jobId && (f.type === 'end' || f.type === 'error'))) await new Promise((r) => setTimeout(r, 2));
    const start = frames.find((f) => f.jobId === jobId && f.type === 'start');
    const end = frames.find((f) => f.jobId === jobId && (f.type === 'end' || f.type === 'error'));
    if (end?.type !== 'end' || start?.type !== 'start') throw new Error(`the chat question failed: ${JSON.stringify(end)}`);
    return { ttftMs: (firstDelta || performance.now()) - sent, queueMs: start.queueMs };
  } finally {
    socket.off('frame', onFrame);
  }
}

function stats(samples: Sample[]) {
  const q = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  };
  const t = samples.map((s) => s.ttftMs);
  const w = samples.map((s) => s.queueMs);
  return { n: samples.length, ttftMedianMs: q(t, 0.5), ttftP90Ms: q(t, 0.9), queueMedianMs: q(w, 0.5), queueP90Ms: q(w, 0.9) };
}

try {
  await new Promise<void>((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const live = ((await (await fetch(`${stack.controllerUrl}/api/models`)).json()) as { models: Array<{ id: string }> }).models.map((m) => m.id);
  const model = values.model ?? path.basename(defaultModels[0]!);
  if (!live.includes(model)) throw new Error(`${model} is not served (live: ${live.join(', ')})`);
  const questions = await Promise.all(items.slice(0, runs).map(async (item) => ({ imageId: await upload(path.join(repoRoot, 'models/eval', item.image)), question: item.question })));
  await ask(model, questions[0]!.imageId, questions[0]!.question); // warm-up

  log(`models ${live.join(', ')} · chat model ${model} · ${runs} chat questions per phase · ${values.threads} thread(s) per worker`);
  const idle: Sample[] = [];
  for (const q of questions) idle.push(await ask(model, q.imageId, q.question));

  const started = await fetch(`${stack.controllerUrl}/api/evaluations`, { method: 'POST', headers: auth, body: JSON.stringify({ models: live }) });
  if (!started.ok) throw new Error(`could not start the run: ${await started.text()}`);
  const { run } = (await started.json()) as { run: EvaluationRun };
  // Let the run fill the queues first.
  await new Promise((r) => setTimeout(r, 2000));
  const busy: Sample[] = [];
  for (const q of questions) busy.push(await ask(model, q.imageId, q.question));
  const snapshot = (await (await fetch(`${stack.controllerUrl}/api/evaluations/${run.id}`)).json()) as EvaluationSnapshot;
  await fetch(`${stack.controllerUrl}/api/evaluations/${run.id}/stop`, { method: 'POST', headers: auth });

  const result = {
    idle: stats(idle),
    duringRun: stats(busy),
    runProgress: snapshot.summaries.map((s) => ({ model: s.model, done: s.done, total: s.total, medianTtftMs: s.medianTtftMs })),
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  const fmt = (x: number) => x.toFixed(1).padStart(8);
  log(`phase        n  TTFT median   TTFT p90  queue median  queue p90 (ms)`);
  for (const [name, s] of [['idle', result.idle], ['during run', result.duringRun]] as const) {
    log(`${name.padEnd(10)} ${String(s.n).padStart(3)}  ${fmt(s.ttftMedianMs)}   ${fmt(s.ttftP90Ms)}   ${fmt(s.queueMedianMs)}   ${fmt(s.queueP90Ms)}`);
  }
  log(`evaluation answers while measuring: ${result.runProgress.map((p) => `${p.model} ${p.done}/${p.total}`).join(', ')}`);
} finally {
  socket.close();
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
